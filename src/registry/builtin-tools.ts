/**
 * proto's built-in tools (spec §6.2): ids that work without any `[plugins]` entry, resolved to
 * the official plugin releases. `settings.url-rewrites` apply to these URLs like to any other,
 * which is how tests and mirrors serve them without the internet.
 */
const RELEASES: Record<string, [plugin: string, version: string]> = {
  node: ['node_tool', '0.17.11'],
  npm: ['node_depman_tool', '0.19.1'],
  pnpm: ['node_depman_tool', '0.19.1'],
  yarn: ['node_depman_tool', '0.19.1'],
  bun: ['bun_tool', '0.16.10'],
  deno: ['deno_tool', '0.15.11'],
  go: ['go_tool', '0.16.8'],
  python: ['python_tool', '0.14.9'],
  uv: ['python_uv_tool', '0.3.4'],
  poetry: ['python_poetry_tool', '0.1.9'],
  ruby: ['ruby_tool', '0.2.9'],
  rust: ['rust_tool', '0.13.12'],
  moon: ['moon_tool', '0.4.3'],
  java: ['java_tool', '0.1.1'],
  jdk: ['java_tool', '0.1.1'],
  jre: ['java_tool', '0.1.1'],
  proto: ['proto_tool', '0.5.8'],
};

export const BUILTIN_TOOL_IDS = Object.keys(RELEASES);

/** The official release URL of a built-in tool's plugin, or undefined for other ids. */
export function builtinPluginUrl(id: string): string | undefined {
  const release = RELEASES[id];
  if (!release) return undefined;
  const [plugin, version] = release;
  return `https://github.com/moonrepo/plugins/releases/download/${plugin}-v${version}/${plugin}.wasm`;
}
