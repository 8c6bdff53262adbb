/**
 * Asking before something destructive (uninstall every version, clean). `-y/--yes` answers yes;
 * without a terminal to ask on, the command stops with `cli.confirmation_required` rather than
 * guessing, so a script never deletes by accident and never hangs on a prompt.
 */
import { ProtoError } from '../../../errors.js';
import { globalFlags } from '../../global-flags.js';

export async function confirm(question: string, options: { yes?: boolean; flagHint: string }): Promise<boolean> {
  if (options.yes || globalFlags().yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new ProtoError('cli.confirmation_required', `${question} (no terminal to ask on)`, {
      hint: `Pass ${options.flagHint} to confirm without a prompt.`,
    });
  }
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(`${question} [y/N] `)).trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  } finally {
    prompt.close();
  }
}
