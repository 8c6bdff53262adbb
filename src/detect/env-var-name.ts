/**
 * Tool ids as environment variable names (plugin-api §4 `Id::to_env_var`): ASCII letters, digits and
 * `_` kept and uppercased, `-` becomes `_`, everything else is dropped.
 */
export function toEnvVarId(id: string): string {
  let name = '';
  for (const char of id) {
    if (/^[A-Za-z0-9_]$/.test(char)) name += char;
    else if (char === '-') name += '_';
  }
  return name.toUpperCase();
}

/** `PROTO_<ID>_VERSION`, the variable that overrides every other version source (`node` → `PROTO_NODE_VERSION`). */
export function toEnvVarName(id: string): string {
  return `PROTO_${toEnvVarId(id)}_VERSION`;
}
