/**
 * One timed install in a fresh process, for bench/install.ts: plain JavaScript on the compiled
 * dist/ (as `proto install` runs), so that its peak RSS is the CLI's and not a TypeScript loader's.
 *   node bench/install-child.mjs '<json>'
 * Prints one JSON line: { ms, peakRssMb, baseRssMb }.
 */
import { readFileSync } from 'node:fs';
import { installTool } from '../dist/install/index.js';
import { Store } from '../dist/store/index.js';

const config = JSON.parse(process.argv[2] ?? '{}');
const store = new Store({ root: config.storeRoot, env: {} });
const plugin = {
  id: 'bench',
  has: (fn) => fn === 'download_prebuilt',
  downloadPrebuilt: async () => ({ download_url: config.downloadUrl, checksum_url: config.checksumUrl, archive_prefix: config.archivePrefix }),
  verifyChecksum: async () => ({ verified: false }),
  unpackArchive: async () => undefined,
  nativeInstall: async () => ({ installed: false }),
  nativeUninstall: async () => ({ uninstalled: false }),
};

// Load the lazily imported modules once so the timing measures work, not module loading.
if (config.xzDecoder === 'wasm') await import('xz-decompress');
const baseRssMb = process.memoryUsage().rss / 1024 / 1024;
const start = performance.now();
await installTool({ store, plugin, version: '1.0.0', settings: { unpack: { xzDecoder: config.xzDecoder } } });
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, peakRssMb: readPeakRssMb(), baseRssMb })}\n`);

/** VmHWM from /proc (Linux), else resourceUsage().maxRSS. */
function readPeakRssMb() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
