/**
 * `.env` files named by `[env] file = …` and `[tools.<id>.env] file = …` (spec §7): `KEY=value`
 * lines, `export KEY=value` too, `#` comments, single quotes literal, double quotes with `\n`, `\t`,
 * `\"` and `\\` escapes. No variable expansion: a value means what it says.
 */
import { ProtoError } from '../errors.js';
import { readRegularFile } from '../regular-file.js';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;

export function parseDotenv(text: string, file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*(#|$)/.test(line)) return;
    const match = LINE.exec(line);
    if (!match) {
      throw new ProtoError('config.invalid_env_file', `${file}:${index + 1}: expected KEY=value, got ${JSON.stringify(line.trim())}`, {
        hint: 'Each line of an env file is KEY=value, optionally quoted; # starts a comment.',
      });
    }
    vars[match[1]!] = unquote(match[2]!);
  });
  return vars;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1);
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    return raw.slice(1, -1).replace(/\\(["\\nt])/g, (_, char: string) => ({ n: '\n', t: '\t' })[char] ?? char);
  }
  // Unquoted: a ` #` starts a comment.
  return raw.replace(/\s+#.*$/, '');
}

/** Reads and parses one env file. */
export function readDotenv(file: string): Record<string, string> {
  let text: string | undefined;
  try {
    text = readRegularFile(file);
  } catch (error) {
    if (error instanceof ProtoError) throw error;
    throw new ProtoError('config.missing_env_file', `Cannot read the env file ${file}: ${(error as Error).message}`, {
      hint: 'Create the file or remove the `file` entry from [env].',
    });
  }
  if (text === undefined) {
    throw new ProtoError('config.missing_env_file', `The env file ${file} does not exist (or is a directory).`, {
      hint: 'Create the file or remove the `file` entry from [env].',
    });
  }
  return parseDotenv(text, file);
}
