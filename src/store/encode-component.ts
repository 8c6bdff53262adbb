/**
 * Turns a tool id or version into one safe path component, as proto's `encode_component` does
 * (starbase `path::encode_component`): `@`, `*` and U+FFFD are dropped, `/` and `:` become `-`,
 * and leading/trailing `-` and `.` are trimmed.
 *
 * Input is untrusted (ids come from config, versions from plugins), so beyond proto's rules the
 * result is refused when it could still name something other than a child directory: empty, `.`,
 * `..`, or containing a backslash or NUL.
 */
import { ProtoError } from '../errors.js';

export function encodeComponent(value: string): string {
  const encoded = value
    .replace(/[@*\uFFFD]/g, '')
    .replace(/[/:]/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  if (encoded === '' || encoded.includes('\\') || encoded.includes('\0')) {
    throw new ProtoError('store.invalid_component', `"${value}" cannot be used as a file name in the proto store.`, {
      hint: 'Tool ids and versions may not be empty or contain backslashes or NUL characters.',
    });
  }
  return encoded;
}

/**
 * Standard base64 of a version string, the name proto gives a version's temp dir
 * (`20.0.0` → `MjAuMC4w`). A `/` in the output would create a sub-directory, so it becomes `_`
 * (proto keeps it; every real version string we have seen encodes without one).
 */
export function encodeVersionForTemp(version: string): string {
  return Buffer.from(version, 'utf8').toString('base64').replace(/\//g, '_');
}
