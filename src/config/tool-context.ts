/**
 * Tool ids as keys of `.prototools`: `node`, `@scope/tool`, and backend contexts `asdf:zig`
 * (plugin-api §4 `Id`: letters, marks, digits, `/ . _ -`, optionally led by `@`).
 */
const TOOL_ID = /^@?[\p{Alphabetic}\p{M}\p{Join_Control}\d/._-]+$/u;
const BACKEND_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]*:/;

/** True for `node`, `asdf:zig`, `@org/tool`; false for `my tool`, `a:b:c`. */
export function isToolContext(key: string): boolean {
  const prefix = BACKEND_PREFIX.exec(key);
  return TOOL_ID.test(prefix ? key.slice(prefix[0].length) : key);
}
