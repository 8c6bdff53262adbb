// postinstall: remember which Node installed proto, so that the launcher can go back to it when
// it finds itself started on a Node that proto manages (see src/node-runtime.ts). Best
// effort: a read-only install dir or a skipped install script only costs that fallback.
import { writeFileSync } from 'node:fs';

try {
  writeFileSync(new URL('../.install-node', import.meta.url), `${process.env.npm_node_execpath || process.execPath}\n`);
} catch {
  // nothing to remember then
}
