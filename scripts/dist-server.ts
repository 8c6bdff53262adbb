/**
 * `npm run dist-server`: serves releases of the fixture tool "disttool" on 127.0.0.1:8975, the
 * `dist-url` the repository's `.prototools` names, so that every walkthrough command works from
 * the repository root (in another terminal, with the fixture plugins built by `npm run fixtures`):
 *
 *   proto list-remote disttool
 *   proto install disttool 2 --pin
 *   proto run disttool -- hello
 *
 * The archives are made by system tar and checksummed by sha256sum, as in the tests and the demo.
 * Runs until interrupted (Ctrl-C). `--port N` serves elsewhere (then change `.prototools` too).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDistServer } from '../test-utils/index.js';
import { DEFAULT_RELEASES, buildDisttoolDist } from '../test/support/disttool-dist.js';

const DEFAULT_PORT = 8975;
const portArg = process.argv.indexOf('--port');
const port = portArg === -1 ? DEFAULT_PORT : Number(process.argv[portArg + 1]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('usage: npm run dist-server [-- --port N]');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'proto-dist-server-'));
buildDisttoolDist(dir);
let server;
try {
  server = await startDistServer({ root: dir, port });
} catch (error) {
  rmSync(dir, { recursive: true, force: true });
  const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(`dist-server: cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
  if (busy) console.error('hint: another dist server is running, or use `npm run dist-server -- --port N` and change dist-url in .prototools');
  process.exit(1);
}
console.log(`serving disttool ${DEFAULT_RELEASES.map((r) => r.version).join(', ')} at ${server.url} (Ctrl-C stops)`);
const stop = async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
