/**
 * The least a Node process can do to install `count` disttool releases at once, for
 * bench/install-floor.ts: per tool, the plugin calls of an install as bare round trips to a worker
 * thread (8, as `proto install` makes), the versions index, the archive and its SHASUMS256.txt from
 * the dist server (undici, as proto), a sha256, the archive unpacked synchronously (gunzip at once,
 * a plain ustar walk, files written with writeFileSync), three small files written and renamed into
 * place, and the staging dir renamed. No config, locks, progress, plugin code, checks of any kind.
 *   node bench/install-floor-child.mjs <count> <dist url> <output dir> '<[{ version, archive }] JSON>'
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';

const [count, distUrl, outputDir] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
/** The dist server's releases, tool i installing the i-th (round robin), as bench/install-many.ts. */
const releases = JSON.parse(process.argv[5]);
const CALLS_AFTER_INSTALL = 3; // locate_executables, sync_manifest, post_install

const dispatcher = new Agent();
// Answers each call at once: what is left is the messaging a plugin call costs.
const worker = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));", { eval: true });
const waiting = new Map();
let nextId = 0;
worker.on('message', ({ id }) => {
  waiting.get(id)();
  waiting.delete(id);
});
/** One plugin call: a message to the worker and its answer. */
const call = () => new Promise((resolve) => {
  const id = nextId++;
  waiting.set(id, resolve);
  worker.postMessage({ id });
});
const get = async (path) => Buffer.from(await (await request(`${distUrl}${path}`, { dispatcher })).body.arrayBuffer());
const writeAndRename = (file, data) => {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
};

/** Writes the regular files and directories of a plain ustar archive (names of up to 100 bytes). */
function untar(tar, into) {
  for (let offset = 0; offset + 512 <= tar.length && tar[offset] !== 0; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('latin1'), 8) || 0;
    const type = String.fromCharCode(header[156]);
    offset += 512;
    if (type === '5') mkdirSync(join(into, name), { recursive: true });
    else if (type === '0' || type === '\0') writeFileSync(join(into, name), tar.subarray(offset, offset + size), { mode: 0o755 });
    offset += Math.ceil(size / 512) * 512;
  }
}

async function install(index) {
  const { version, archive: name } = releases[index % releases.length];
  const dir = join(outputDir, `tool${index}`);
  mkdirSync(dir, { recursive: true });
  await call(); // register_tool
  await call(); // resolve_version
  const versions = await get('/index.json');
  await call(); // load_versions (its request above)
  writeAndRename(join(dir, 'remote-versions.json'), versions);
  await call(); // pre_install
  await call(); // download_prebuilt
  const [archive, sums] = await Promise.all([get(`/v${version}/${name}`), get(`/v${version}/SHASUMS256.txt`)]);
  if (!sums.toString().includes(createHash('sha256').update(archive).digest('hex'))) throw new Error(`${name}: checksum mismatch`);
  const staging = join(dir, `.partial-${version}`);
  mkdirSync(staging);
  untar(gunzipSync(archive), staging);
  renameSync(staging, join(dir, version));
  for (let i = 0; i < CALLS_AFTER_INSTALL; i++) await call();
  writeAndRename(join(dir, 'manifest.json'), JSON.stringify({ installed_versions: [version] }));
  writeAndRename(join(dir, 'metadata.json'), JSON.stringify({ id: `tool${index}` }));
}

rmSync(outputDir, { recursive: true, force: true });
await Promise.all(Array.from({ length: count }, (_, i) => install(i)));
await worker.terminate();
await dispatcher.close();
