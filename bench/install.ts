/**
 * Install benchmark: download + verify + unpack of a ~100 MB .tar.gz, a ~50 MB .tar.xz and a
 * ~60 MB .zip served from 127.0.0.1, against the GNU tools doing the same work in the same run:
 *
 *   curl -s URL | tee >(sha256sum >/dev/null) | gzip -dc | tar -x   (xz -dc for .tar.xz)
 *   curl -s URL -o FILE && sha256sum FILE && unzip -q FILE          (.zip: its directory is at the end)
 *
 *   node --import tsx bench/install.ts [--runs N] [--fresh] [--only gz|xz|zip] [--no-wasm]
 *
 * Archives are generated once by tar, gzip, xz and zip (deterministic content: incompressible
 * bytes, low-entropy bytes and word soup, ~1,500 files) and cached in $BENCH_DIR (default
 * .bench/install, git-ignored); --fresh regenerates them. Each measurement runs in its own process
 * on the compiled dist/ (built first when src/ changed), as `proto install` does; the table shows
 * medians, the ratio ours/baseline, and our peak RSS (VmHWM of the installing process).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../src/install/system-tools.js';
import { startDistServer } from '../test-utils/dist-server.js';
import { ensureCliBuilt } from '../test/support/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join(ROOT, '.bench/install'));
const RUNS = Number(argValue('--runs') ?? 3);
const FRESH = process.argv.includes('--fresh');
const FORMAT_VERSION = '2';
const NO_WASM = process.argv.includes('--no-wasm');
const ONLY = argValue('--only');

interface Archive {
  name: string;
  label: string;
  /** The baseline's unpack: a decompressor for `… | <it> | tar -x`, or `unzip` after the download. */
  decompress: string;
  /** MiB of incompressible, low-entropy and text content. */
  mix: [number, number, number];
  /** The command that makes the archive $OUT from the tree (run in the source dir). */
  make: string;
}

const ARCHIVES: Archive[] = [
  { name: 'bench-gz.tar.gz', label: 'tar.gz', decompress: 'gzip -dc', mix: [32, 55, 55], make: 'tar -cf - bench-1.0.0 | gzip -6 > "$OUT"' },
  { name: 'bench-xz.tar.xz', label: 'tar.xz', decompress: 'xz -dc', mix: [25, 35, 18], make: 'tar -cf - bench-1.0.0 | xz -6 -T2 > "$OUT"' },
  { name: 'bench-zip.zip', label: 'zip', decompress: 'unzip', mix: [35, 30, 25], make: 'zip -q -r -6 "$OUT" bench-1.0.0' },
];

for (const tool of ['curl', 'tar', 'tee', 'sha256sum', 'bash', 'xz', 'gzip', 'zip', 'unzip']) {
  if (!findExecutable(tool)) throw new Error(`The benchmark needs "${tool}" on PATH.`);
}

mkdirSync(BENCH_DIR, { recursive: true });
// The child runs the compiled code, as the CLI does.
await ensureCliBuilt();
const distDir = join(BENCH_DIR, 'dist');
prepareArchives();
const server = await startDistServer({ root: distDir });

interface Row {
  archive: string;
  sizeMb: number;
  decoder: string;
  baselineS: number;
  oursS: number;
  peakRssMb: number;
  baseRssMb: number;
}
const rows: Row[] = [];
try {
  for (const archive of ARCHIVES.filter((a) => !ONLY || a.label.includes(ONLY))) {
    const decoders = archive.label === 'tar.xz' ? (NO_WASM ? ['system'] : ['system', 'wasm']) : ['auto'];
    for (const decoder of decoders) {
      const baseline: number[] = [];
      const ours: Array<{ ms: number; peakRssMb: number; baseRssMb: number }> = [];
      const runs = decoder === 'wasm' ? Math.min(RUNS, 2) : RUNS;
      for (let run = 0; run < runs; run++) {
        baseline.push(await timeBaseline(archive));
        ours.push(await timeOurs(archive, decoder));
        process.stderr.write('.');
      }
      rows.push({
        archive: archive.label,
        sizeMb: statSync(join(distDir, archive.name)).size / 1024 / 1024,
        decoder: archive.label === 'tar.xz' ? (decoder === 'system' ? 'system xz' : 'xz-decompress (wasm)') : 'zlib',
        baselineS: median(baseline) / 1000,
        oursS: median(ours.map((o) => o.ms)) / 1000,
        peakRssMb: Math.max(...ours.map((o) => o.peakRssMb)),
        baseRssMb: median(ours.map((o) => o.baseRssMb)),
      });
    }
  }
} finally {
  await server.close();
  rmSync(join(BENCH_DIR, 'work'), { recursive: true, force: true });
}
process.stderr.write('\n');
printTable(rows);

async function timeBaseline(archive: Archive): Promise<number> {
  const out = freshDir('baseline');
  const url = server.urlFor(`/${archive.name}`);
  const script =
    archive.decompress === 'unzip'
      ? 'set -euo pipefail; curl -sf "$1" -o "$2.zip"; sha256sum "$2.zip" >/dev/null; unzip -q "$2.zip" -d "$2"; rm "$2.zip"'
      : `set -euo pipefail; curl -sf "$1" | tee >(sha256sum >/dev/null) | ${archive.decompress} | tar -x -C "$2"`;
  const start = performance.now();
  await exec('bash', ['-c', script, 'bash', url, out]);
  return performance.now() - start;
}

async function timeOurs(archive: Archive, decoder: string): Promise<{ ms: number; peakRssMb: number; baseRssMb: number }> {
  const storeRoot = freshDir('ours');
  const config = {
    storeRoot,
    downloadUrl: server.urlFor(`/${archive.name}`),
    checksumUrl: server.urlFor('/SHASUMS256.txt'),
    archivePrefix: 'bench-1.0.0',
    xzDecoder: decoder,
  };
  const stdout = await exec(process.execPath, [join(ROOT, 'bench/install-child.mjs'), JSON.stringify(config)]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; peakRssMb: number; baseRssMb: number };
}

function freshDir(name: string): string {
  const dir = join(BENCH_DIR, 'work', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Async so that the dist server in this process keeps serving while the child runs. */
function exec(command: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`${command} failed (${code}): ${stderr}`))));
  });
}

function prepareArchives(): void {
  const marker = join(distDir, `.generated-v${FORMAT_VERSION}`);
  if (FRESH || !existsSync(marker)) rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  for (const archive of ARCHIVES) {
    const out = join(distDir, archive.name);
    if (existsSync(out)) continue;
    process.stderr.write(`generating ${archive.name} (once; cached in ${BENCH_DIR})\n`);
    const source = join(BENCH_DIR, 'source');
    rmSync(source, { recursive: true, force: true });
    generateTree(join(source, 'bench-1.0.0'), archive.mix, archive.name);
    const result = spawnShell(`cd "${source}" && OUT="${out}.partial" && ${archive.make} && mv "$OUT" "${out}"`);
    if (result !== 0) throw new Error(`could not build ${archive.name}`);
    rmSync(source, { recursive: true, force: true });
  }
  if (spawnShell(`cd "${distDir}" && sha256sum ${ARCHIVES.map((a) => a.name).join(' ')} > SHASUMS256.txt`) !== 0) throw new Error('sha256sum failed');
  writeFileSync(marker, new Date().toISOString());
}

function spawnShell(script: string): number | null {
  return spawnSync('bash', ['-c', `set -euo pipefail; ${script}`], { stdio: 'inherit' }).status;
}

/**
 * A tool-like tree: many small files and some large ones, of three kinds of content. Seeded, so
 * every run of --fresh builds the same archives.
 */
function generateTree(dir: string, [randomMb, lowEntropyMb, textMb]: [number, number, number], seed: string): void {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed.length), Buffer.alloc(16, 7));
  const randomBytes = (size: number) => cipher.update(Buffer.alloc(size));
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const vocabulary = Array.from({ length: 20000 }, (_, i) => Math.floor(next() * 1e15).toString(36).slice(0, 2 + (i % 10)));
  const lowEntropy = (size: number) => {
    const bytes = randomBytes(size);
    for (let i = 0; i < size; i++) bytes[i] = 0x40 + (bytes[i]! & 0x0f);
    return bytes;
  };
  const text = (size: number) => {
    const parts: string[] = [];
    let length = 0;
    while (length < size) {
      let line = '';
      const words = 6 + Math.floor(next() * 10);
      for (let w = 0; w < words; w++) line += `${vocabulary[Math.floor(next() * vocabulary.length)]} `;
      line += '\n';
      parts.push(line);
      length += line.length;
    }
    return Buffer.from(parts.join('')).subarray(0, size);
  };
  const fileSize = () => Math.floor(next() < 0.85 ? 500 + next() * 24_000 : 50_000 + next() * 1_200_000);
  let index = 0;
  const makers: Array<[number, (size: number) => Buffer]> = [
    [randomMb, randomBytes],
    [lowEntropyMb, lowEntropy],
    [textMb, text],
  ];
  for (const [megabytes, make] of makers) {
    for (let left = megabytes * 1024 * 1024; left > 0; ) {
      const size = Math.min(left, fileSize());
      const sub = join(dir, `lib${index % 37}`, `sub${index % 5}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `file${index}.dat`), make(size));
      left -= size;
      index++;
    }
  }
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin/bench'), '#!/bin/sh\necho bench\n', { mode: 0o755 });
}

function printTable(table: Row[]): void {
  const header = ['archive', 'size MB', 'decoder', 'baseline s', 'ours s', 'ratio', 'peak RSS MB', 'idle RSS MB'];
  const lines = table.map((row) => [
    row.archive,
    row.sizeMb.toFixed(1),
    row.decoder,
    row.baselineS.toFixed(2),
    row.oursS.toFixed(2),
    (row.oursS / row.baselineS).toFixed(2),
    row.peakRssMb.toFixed(0),
    row.baseRssMb.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log(`\nmedian of ${RUNS} runs (wasm: ${Math.min(RUNS, 2)}); baseline = curl | tee >(sha256sum) | gzip/xz -dc | tar -x, or curl + sha256sum + unzip;`);
  console.log('ours = download + sha256 verify + unpack in a fresh Node process (compiled dist/).');
  console.log('idle RSS = the install process before installing (Node + our modules), included in its peak.');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

