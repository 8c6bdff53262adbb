/**
 * Reads a non-WASM plugin file (proto's "schema" plugins: `.toml`, `.json`, `.jsonc`, `.yaml`,
 * `.yml`) into one JSON value with kebab-case keys, as proto's `load_schema_config` does: TOML keys
 * are kept as written; JSON and YAML keys are converted from camelCase (`downloadUrl` →
 * `download-url`), except the keys of maps whose keys the author chooses (`platform`, `exes`,
 * `arch`, ...), which are kept as written.
 *
 * Trust: the file is a plugin, i.e. third-party content; reading it only parses data.
 */
import { extname } from 'node:path';
import { parseTomlDocument, stripBom } from '../config/read-toml.js';
import { ProtoError } from '../errors.js';

export const SCHEMA_EXTENSIONS = ['.toml', '.json', '.jsonc', '.yaml', '.yml'] as const;

/** True for a plugin path or URL that names a schema plugin (by its extension, as proto decides). */
export function isSchemaPluginPath(pathOrUrl: string): boolean {
  const path = /^[a-z]+:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  return (SCHEMA_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** Maps whose keys are user data: their own keys are never converted (their values' keys are). */
const PRESERVED_KEYS = new Set(['aliases', 'arch', 'exes', 'libc', 'platform', 'secondary', 'shim-env-vars']);

/** Parses `text` (the content of `file`, whose extension decides the format). */
export async function parseSchemaText(text: string, file: string): Promise<Record<string, unknown>> {
  const ext = extname(new URL(file, 'file:///').pathname).toLowerCase();
  let value: unknown;
  try {
    if (ext === '.toml') return plainObject(parseTomlDocument(text, file), file);
    if (ext === '.json' || ext === '.jsonc') value = JSON.parse(ext === '.jsonc' ? stripJsonComments(stripBom(text)) : stripBom(text));
    else if (ext === '.yaml' || ext === '.yml') {
      // Loaded only for YAML plugins: most runs never need the parser.
      const { parse } = await import('yaml');
      value = parse(stripBom(text));
    } else {
      throw new ProtoError('schema.unsupported', `${file} is not a schema plugin: expected ${SCHEMA_EXTENSIONS.join(', ')}.`);
    }
  } catch (error) {
    if (error instanceof ProtoError) throw error;
    throw new ProtoError('schema.invalid', `The plugin ${file} cannot be parsed: ${(error as Error).message}`, {
      hint: 'Fix its syntax; see https://moonrepo.dev/docs/proto/non-wasm-plugin for the format.',
      cause: error,
    });
  }
  return plainObject(toKebabKeys(value, ''), file);
}

function plainObject(value: unknown, file: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtoError('schema.invalid', `The plugin ${file} must contain a table (an object) at the top.`);
  }
  return value as Record<string, unknown>;
}

function toKebabKeys(value: unknown, parentKey: string): unknown {
  if (Array.isArray(value)) return value.map((item) => toKebabKeys(item, parentKey));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      const next = PRESERVED_KEYS.has(parentKey) ? key : camelToKebab(key);
      return [next, toKebabKeys(item, next)] as const;
    }),
  );
}

/** `downloadUrl` → `download-url`, `checksumURL` → `checksum-url`; already kebab keys stay. */
export function camelToKebab(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** Removes `//` and `/* *\/` comments outside strings (JSONC). */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return out;
}
