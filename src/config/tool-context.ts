/**
 * Tool ids as keys of `.prototools`: `node`, `@scope/tool`, and backend contexts `asdf:zig`
 * (plugin-api §4 `Id`: letters, marks, digits, `/ . _ -`, optionally led by `@`).
 */
const ASCII_TOOL_ID = /^@?[A-Za-z0-9/._-]+$/;
const BACKEND_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]*:/;
/** Built on first need: the Unicode classes cost a millisecond of every start-up, and ids are ASCII. */
let unicodeToolId: RegExp | undefined;

/** True for `node`, `asdf:zig`, `@org/tool`; false for `my tool`, `a:b:c`. */
export function isToolContext(key: string): boolean {
  const prefix = BACKEND_PREFIX.exec(key);
  const id = prefix ? key.slice(prefix[0].length) : key;
  if (ASCII_TOOL_ID.test(id)) return true;
  unicodeToolId ??= /^@?[\p{Alphabetic}\p{M}\p{Join_Control}\d/._-]+$/u;
  return unicodeToolId.test(id);
}
