/**
 * TOML parsing with errors users can act on: `config.invalid_toml` names the file, line and
 * column, and keeps the parser's reason and code excerpt.
 */
import { parse, TomlError, type TomlTable } from 'smol-toml';
import { ProtoError } from '../errors.js';

export type { TomlTable };

/** Parses `text` (the content of `file`); throws `config.invalid_toml` when it is not TOML. */
export function parseTomlDocument(text: string, file: string): TomlTable {
  try {
    // Objects come back without a prototype, so keys like `__proto__` are plain data.
    return parse(stripBom(text), { integersAsBigInt: false });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const [firstLine = '', ...excerpt] = error.message.split('\n');
    const reason = firstLine.replace(/^Invalid TOML document:\s*/, '');
    const code = excerpt.join('\n').trim();
    throw new ProtoError(
      'config.invalid_toml',
      `Invalid TOML in ${file}:${error.line}:${error.column}: ${reason}${code ? `\n\n${code}` : ''}`,
      { hint: `Fix the syntax at line ${error.line}, column ${error.column} of ${file}.`, cause: error },
    );
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
