/**
 * A separate process that installs one tool version, for the concurrency tests:
 *   node --import tsx test/support/install-child.ts '<json ChildConfig>'
 * Prints `waiting-for-lock` when it has to wait for another process, then one JSON line with the
 * result; exits 1 with the error message on failure.
 */
import { installTool } from '../../src/install/index.js';
import { Store } from '../../src/store/index.js';
import { createFakePlugin } from './fake-plugin.js';

export interface ChildConfig {
  storeRoot: string;
  version: string;
  downloadUrl: string;
  checksumUrl: string;
  archivePrefix?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const store = new Store({ root: config.storeRoot, env: {} });
const plugin = createFakePlugin({
  download: { download_url: config.downloadUrl, checksum_url: config.checksumUrl, archive_prefix: config.archivePrefix },
});

process.stdout.write('started\n');
let reportedDownload = false;
try {
  const result = await installTool({
    store,
    plugin,
    version: config.version,
    settings: { http: { retryCount: 0, timeoutMs: 60_000 } },
    onProgress: (progress) => {
      if (progress.phase === 'wait-lock') process.stdout.write('waiting-for-lock\n');
      if (progress.phase === 'download' && progress.bytes > 0 && !reportedDownload) {
        reportedDownload = true;
        process.stdout.write('downloading\n');
      }
    },
  });
  process.stdout.write(`${JSON.stringify({ installed: result.installed, dir: result.dir, checksum: result.checksum })}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
