/**
 * Every command's help as the program prints it (with the text added before and after it), for
 * `help.json` (see fast-path.ts): the build writes them once, so that `proto --help` need not
 * build the program.
 */
import type { Command } from 'commander';
import { HELP_WIDTH, type HelpTexts } from './fast-path.js';

/** The help of `program` and of each of its commands, wrapped at HELP_WIDTH. */
export function collectHelpTexts(program: Command): HelpTexts {
  const texts: Record<string, string> = {};
  const aliases: Record<string, Record<string, string>> = {};
  let captured = '';
  const visit = (command: Command, path: string[]) => {
    command.configureOutput({ writeOut: (text) => (captured += text), getOutHelpWidth: () => HELP_WIDTH });
    captured = '';
    command.outputHelp();
    texts[path.join(' ')] = captured;
    for (const sub of command.commands) {
      for (const alias of sub.aliases()) (aliases[path.join(' ')] ??= {})[alias] = sub.name();
      visit(sub, [...path, sub.name()]);
    }
  };
  visit(program, []);
  return { width: HELP_WIDTH, texts, aliases };
}
