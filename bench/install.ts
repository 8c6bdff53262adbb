/**
 * Install benchmark: download + verify + unpack of a ~100 MB .tar.gz, a ~50 MB .tar.xz and a
 * ~60 MB .zip served from 127.0.0.1, against the GNU tools doing the same work in the same run:
 *
 *   curl -s URL | tee >(sha256sum >/dev/null) | gzip -dc | tar -x   (xz -dc for .tar.xz)
 *   curl -s URL -o FILE && sha256sum FILE && unzip -q FILE          (.zip: its directory is at the end)
 *
 *   node --import ./scripts/register-ts.mjs bench/install.ts [--runs N] [--fresh] [--only gz|xz|zip] [--no-wasm] [--compare DIR]
 *
 * --compare DIR also installs with another checkout's build (e.g. a worktree of main with
 * `npm ci && npm run build`), through its own bench/install-child.mjs, in the same rounds: a
 * before/after on the same machine at the same moment. Each round runs the contenders in an
 * order rotated from the round before, so that none always goes first into a cold page cache or
 * last into a busy moment. Besides wall time the table gives CPU time (user + system of the whole
 * process tree: curl, xz, tar… for the baseline; Node with its xz helper for ours, Node's own
 * start included), steadier than wall time when others load the machine, and the load average
 * before and after.
 *
 * Archives are generated once by tar, gzip, xz and zip (deterministic content: incompressible
 * bytes, low-entropy bytes and word soup, ~1,500 files) and cached in $BENCH_DIR (default
 * .bench/install, git-ignored); --fresh regenerates them. Each measurement runs in its own process
 * on the compiled dist/ (built first when src/ changed), as `proto install` does; the table shows
 * medians of 7 rounds (--runs), the ratio ours/baseline as the median of each round's ratio (a
 * round's samples are seconds apart: a change of the machine's load hits both sides of a ratio)
 * with its range, and our peak RSS (VmHWM of the installing process).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../src/install/system-tools.js';
import { startDistServer } from '../test-utils/dist-server.js';
import { ensureCliBuilt } from '../test/support/cli.js';
import { measureChildren } from './child-cpu.js';
import { median } from './median.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join(ROOT, '.bench/install'));
const RUNS = Number(argValue('--runs') ?? 7);
const FRESH = process.argv.includes('--fresh');
const FORMAT_VERSION = '2';
const NO_WASM = process.argv.includes('--no-wasm');
const ONLY = argValue('--only');
const COMPARE = argValue('--compare');

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

if (COMPARE && !existsSync(join(resolve(COMPARE), 'dist/install/index.js'))) throw new Error(`--compare ${COMPARE}: no dist/ there (run npm ci && npm run build in it).`);
mkdirSync(BENCH_DIR, { recursive: true });
// The child runs the compiled code, as the CLI does.
await ensureCliBuilt();
const distDir = join(BENCH_DIR, 'dist');
prepareArchives();
const server = await startDistServer({ root: distDir });

/** One measured run: wall and CPU milliseconds, and for our installs the peak RSS. */
interface Sample {
  ms: number;
  cpuMs: number;
  peakRssMb?: number;
  baseRssMb?: number;
}

interface Row {
  archive: string;
  sizeMb: number;
  decoder: string;
  baseline: Sample[];
  /** Per contender: this checkout, then the --compare one. */
  ours: Array<{ label: string; samples: Sample[] }>;
}

const contenders = [{ label: 'ours', root: ROOT }, ...(COMPARE ? [{ label: 'before', root: resolve(COMPARE) }] : [])];
const loadBefore = loadavg();
const rows: Row[] = [];
try {
  for (const archive of ARCHIVES.filter((a) => !ONLY || a.label.includes(ONLY))) {
    const decoders = archive.label === 'tar.xz' ? (NO_WASM ? ['system'] : ['system', 'wasm']) : ['auto'];
    for (const decoder of decoders) {
      const row: Row = {
        archive: archive.label,
        sizeMb: statSync(join(distDir, archive.name)).size / 1024 / 1024,
        decoder: archive.label === 'tar.xz' ? (decoder === 'system' ? 'system xz' : 'xz-decompress (wasm)') : 'zlib',
        baseline: [],
        ours: contenders.map(({ label }) => ({ label, samples: [] })),
      };
      const jobs: Array<() => Promise<void>> = [
        async () => void row.baseline.push(await timeBaseline(archive)),
        ...contenders.map((contender, index) => async () => void row.ours[index]!.samples.push(await timeOurs(contender.root, archive, decoder))),
      ];
      const runs = decoder === 'wasm' ? Math.min(RUNS, 2) : RUNS;
      for (let run = 0; run < runs; run++) {
        for (let j = 0; j < jobs.length; j++) await jobs[(run + j) % jobs.length]!();
        process.stderr.write('.');
      }
      rows.push(row);
    }
  }
} finally {
  await server.close();
  rmSync(join(BENCH_DIR, 'work'), { recursive: true, force: true });
}
process.stderr.write('\n');
printTable(rows, loadBefore, loadavg());

async function timeBaseline(archive: Archive): Promise<Sample> {
  const out = freshDir('baseline');
  const url = server.urlFor(`/${archive.name}`);
  const script =
    archive.decompress === 'unzip'
      ? 'set -euo pipefail; curl -sf "$1" -o "$2.zip"; sha256sum "$2.zip" >/dev/null; unzip -q "$2.zip" -d "$2"; rm "$2.zip"'
      : `set -euo pipefail; curl -sf "$1" | tee >(sha256sum >/dev/null) | ${archive.decompress} | tar -x -C "$2"`;
  const start = performance.now();
  const { cpuMs } = await execTimed(`${script}; wait`, [url, out]);
  return { ms: performance.now() - start, cpuMs };
}

/** An install by the build in `root` (its bench/install-child.mjs), timed by the child itself. */
async function timeOurs(root: string, archive: Archive, decoder: string): Promise<Sample> {
  const storeRoot = freshDir('ours');
  const config = {
    storeRoot,
    downloadUrl: server.urlFor(`/${archive.name}`),
    checksumUrl: server.urlFor('/SHASUMS256.txt'),
    archivePrefix: 'bench-1.0.0',
    xzDecoder: decoder,
  };
  const { stdout, cpuMs } = await execTimed('"$1" "$2" "$3"', [process.execPath, join(root, 'bench/install-child.mjs'), JSON.stringify(config)]);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; peakRssMb: number; baseRssMb: number };
  return { ...result, cpuMs };
}

/**
 * Runs `script` in bash, and the CPU time of every process in it (bench/child-cpu.ts: bash, and
 * what it waited for, e.g. xz under our Node, sha256sum under tee).
 */
async function execTimed(script: string, args: string[]): Promise<{ stdout: string; cpuMs: number }> {
  const { result: stdout, cpuMs } = await measureChildren(() => exec('bash', ['-c', `set -e\n${script}`, 'bash', ...args]));
  return { stdout, cpuMs: cpuMs ?? NaN };
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

function printTable(table: Row[], loadBefore: number[], loadAfter: number[]): void {
  const header = ['archive', 'size MB', 'decoder', 'who', 'wall s', 'ratio (range)', 'CPU s', 'CPU ratio (range)', 'peak RSS MB', 'idle RSS MB'];
  const lines: string[][] = [];
  for (const row of table) {
    const baseMs = median(row.baseline.map((s) => s.ms));
    const baseCpu = median(row.baseline.map((s) => s.cpuMs));
    lines.push([row.archive, row.sizeMb.toFixed(1), row.decoder, 'baseline', (baseMs / 1000).toFixed(2), '', (baseCpu / 1000).toFixed(2), '', '', '']);
    for (const { label, samples } of row.ours) {
      const peaks = samples.map((s) => s.peakRssMb!);
      lines.push([
        '', '', '', label,
        (median(samples.map((s) => s.ms)) / 1000).toFixed(2),
        pairedRatio(samples.map((s) => s.ms), row.baseline.map((s) => s.ms)),
        (median(samples.map((s) => s.cpuMs)) / 1000).toFixed(2),
        pairedRatio(samples.map((s) => s.cpuMs), row.baseline.map((s) => s.cpuMs)),
        `${median(peaks).toFixed(0)} (max ${Math.max(...peaks).toFixed(0)})`,
        median(samples.map((s) => s.baseRssMb!)).toFixed(0),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  console.log(`\nmedians of ${RUNS} rounds (wasm: ${Math.min(RUNS, 2)}), contenders in rotating order; load average ${load(loadBefore)} before, ${load(loadAfter)} after.`);
  console.log('baseline = curl | tee >(sha256sum) | gzip/xz -dc | tar -x, or curl + sha256sum + unzip;');
  console.log(`ours = download + sha256 verify + unpack in a fresh Node process (compiled dist/)${COMPARE ? `; before = the same with ${COMPARE}` : ''}.`);
  console.log('wall: the baseline from spawn to exit, ours inside the process (without Node\'s start); CPU: user + system of the whole process tree.');
  console.log('ratio: the median of each round\'s ratio to the baseline of the same round (seconds apart, so a change of load hits both), with its range.');
  console.log('idle RSS = the install process before installing (Node + our modules), included in its peak.');
}

/** Median and range of ours[i] / baseline[i]: samples of the same round paired. */
function pairedRatio(ours: number[], baseline: number[]): string {
  const ratios = ours.map((value, round) => value / baseline[round]!);
  return `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}


function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}
