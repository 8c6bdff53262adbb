/**
 * Every unpack path, fed malformed input, settles: it rejects with a stable ProtoError code within
 * the test's timeout, never hangs (a hang with no message is the worst answer to hostile input),
 * and writes nothing outside its output dir. corrupt-archives.test.ts covers "half an archive" and
 * "not an archive at all" per format; this matrix cuts each format at its structural seams, adds
 * bytes after a valid archive, wraps garbage in a valid compressed stream, nests bad compressed
 * archives (which npm tar's parser decodes by itself) and breaks a zip's directory and entries.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { ProtoError } from '../../../src/errors.js';
import { zlibZstdDecoder } from '../../../src/install/decompress.js';
import { unpackDownload, type InstallSettings } from '../../../src/install/index.js';
import { makeTar, makeZip, writeTree } from '../../support/archives.js';
import { createFakePlugin } from '../../support/fake-plugin.js';
import { skipWithout } from '../../support/system-commands.js';

const base = mkdtempSync(join(tmpdir(), 'proto-hostile-settle-'));
const work = join(base, 'work');
const outputs = join(base, 'outputs');
mkdirSync(work);
mkdirSync(outputs);
after(() => rmSync(base, { recursive: true, force: true }));

/** What the TreeWriter and the decoders refuse bad data with. */
const REFUSALS = new Set(['install.corrupt_archive', 'install.archive_too_large']);

// Random (incompressible) data, so every compressed format keeps the file's bytes in its middle.
writeTree(join(work, 'src'), { 'pkg/bin/tool': { content: randomBytes(100_000), mode: 0o755 }, 'pkg/readme': 'readme\n' });
const tar = readFileSync(makeTar(join(work, 'src'), join(work, 'good.tar'), 'tar', { members: ['pkg'] }));

/** Where the tar's end-of-archive blocks start (GNU tar pads the archive with zeros after them). */
const endOfArchive = (() => {
  let end = tar.length;
  while (end >= 512 && tar.subarray(end - 512, end).every((byte) => byte === 0)) end -= 512;
  return end;
})();

type Tool = 'gzip' | 'xz' | 'bzip2' | 'zstd';

/**
 * Decoders that ignore what follows their end of stream: bzip2 (with a warning, as `tar -xjf`
 * does), and the zstd of Node's zlib where it decodes (the system `zstd` refuses it).
 */
const ignoresTrailingGarbage = (tool: Tool | undefined): boolean => tool === 'bzip2' || (tool === 'zstd' && zlibZstdDecoder() !== null);
/** `tool -c` of `bytes` (gzip through zlib: it is on every machine). */
function compress(bytes: Buffer, tool: Tool): Buffer {
  if (tool === 'gzip') return zlib.gzipSync(bytes);
  const result = spawnSync(tool, tool === 'zstd' ? ['-q', '-c'] : ['-c'], { input: bytes, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${tool} failed: ${String(result.stderr)}`);
  return result.stdout;
}

/** Magic numbers of compressed formats, each followed by noise: what a nested archive starts with. */
const NESTED: Array<[string, () => Buffer]> = [
  ['a corrupt .gz', () => { const inner = Buffer.from(zlib.gzipSync(tar)); inner.fill(0x55, 40, 90); return inner; }],
  ['a cut .gz', () => zlib.gzipSync(tar).subarray(0, 5000)],
  ['a valid .gz of garbage', () => zlib.gzipSync(randomBytes(5000))],
  ['a .gz of a corrupt .gz', () => { const inner = Buffer.from(zlib.gzipSync(tar)); inner.fill(0x55, 40, 90); return zlib.gzipSync(inner); }],
  ['zstd magic then noise', () => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(600)])],
  ['xz magic then noise', () => Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), randomBytes(600)])],
  ['bzip2 magic then noise', () => Buffer.concat([Buffer.from('BZh9'), randomBytes(600)])],
];

/** A compressed archive's structural seams: its header, its data, its trailer (check, sizes). */
function compressedCases(good: () => Buffer, tool: Tool): Array<[string, () => Buffer]> {
  return [
    ['an empty file', () => Buffer.alloc(0)],
    ['cut inside the compressed header', () => good().subarray(0, 5)],
    ['cut inside the data', () => good().subarray(0, Math.floor(good().length / 2))],
    ['cut inside the trailer', () => good().subarray(0, good().length - 3)],
    ['garbage after a valid stream', () => Buffer.concat([good(), Buffer.from('garbage after the end '.repeat(40))])],
    ['a valid stream around garbage', () => compress(randomBytes(3000), tool)],
  ];
}

let runs = 0;
type Source = 'file' | 'body' | 'stream';

/** unpackDownload of `bytes` named `name`, read from a file, a body in memory or a stream. */
async function unpack(bytes: Buffer, name: string, source: Source, settings: InstallSettings): Promise<string> {
  const run = runs++;
  const downloadFile = join(work, `download-${run}-${name}`);
  writeFileSync(downloadFile, bytes);
  const outputDir = join(outputs, `out-${run}`);
  mkdirSync(outputDir);
  const chunks = [bytes.subarray(0, 700), bytes.subarray(700)];
  const from = source === 'body' ? { body: chunks } : source === 'stream' ? { stream: Readable.from(chunks) } : {};
  await unpackDownload({
    plugin: createFakePlugin({}),
    version: '1.0.0',
    downloadFile,
    downloadName: name,
    archiveBytes: bytes.length,
    outputDir,
    settings,
    warn: () => undefined,
    ...from,
  });
  return outputDir;
}

/** Resolves with the archive's whole tree: what a lenient but sound reader may do. */
async function assertWhole(promise: Promise<string>): Promise<void> {
  const outputDir = await promise;
  assert.equal(readFileSync(join(outputDir, 'pkg/readme'), 'utf8'), 'readme\n');
  assert.deepEqual(readFileSync(join(outputDir, 'pkg/bin/tool')), readFileSync(join(work, 'src/pkg/bin/tool')));
}

/**
 * Rejects with one of REFUSALS, whose message names the archive by its download name (not a temp
 * path, not only the decoder) in a single line, and nothing appeared beside the output dirs.
 */
async function assertRefused(promise: Promise<unknown>, name: string): Promise<void> {
  const listing = () => [...readdirSync(base), ...readdirSync(outputs)].sort();
  const before = listing();
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ProtoError, `not a ProtoError: ${(error as Error)?.stack ?? String(error)}`);
    assert.ok(REFUSALS.has(error.code), `unexpected code ${error.code}: ${error.message}`);
    assert.ok(error.message.startsWith(`${name} `), `the message does not start with ${name}: ${error.message}`);
    assert.doesNotMatch(error.message, /\n|\r/, 'one line');
    assert.ok(!error.message.includes(work), `the message names a temp path: ${error.message}`);
    return true;
  });
  assert.deepEqual(listing(), before);
}

interface Format {
  label: string;
  name: string;
  settings: InstallSettings;
  options: { skip?: string };
  tool?: Tool;
  sources: Source[];
}

/** A compressed tar is streamed from a body or a download, whatever its compression. */
const ALL_SOURCES: Source[] = ['file', 'body', 'stream'];

const TAR_FORMATS: Format[] = [
  { label: 'tar', name: 'tool.tar', settings: {}, options: {}, sources: ALL_SOURCES },
  { label: 'tar.gz', name: 'tool.tar.gz', settings: {}, options: {}, tool: 'gzip', sources: ALL_SOURCES },
  { label: 'tar.xz (system xz)', name: 'tool.tar.xz', settings: { unpack: { xzDecoder: 'system' } }, options: skipWithout('xz'), tool: 'xz', sources: ALL_SOURCES },
  { label: 'tar.xz (wasm decoder)', name: 'tool.tar.xz', settings: { unpack: { xzDecoder: 'wasm' } }, options: skipWithout('xz'), tool: 'xz', sources: ALL_SOURCES },
  { label: 'tar.bz2', name: 'tool.tar.bz2', settings: {}, options: skipWithout('bzip2'), tool: 'bzip2', sources: ALL_SOURCES },
  { label: 'tar.zst', name: 'tool.tar.zst', settings: {}, options: skipWithout('zstd'), tool: 'zstd', sources: ALL_SOURCES },
];

for (const format of TAR_FORMATS) {
  describe(`${format.label}: malformed input is refused`, format.options, () => {
    const { tool } = format;
    const wrap = (bytes: Buffer) => (tool ? compress(bytes, tool) : bytes);
    const cases: Array<[string, () => Buffer]> = [
      ['the tar cut inside its first header', () => wrap(tar.subarray(0, 300))],
      ['the tar cut inside a file’s data', () => wrap(tar.subarray(0, 512 * 3 + 40_000))],
      ['the tar cut inside a header block boundary', () => wrap(tar.subarray(0, 512 * 2 + 100))],
      ['garbage instead of a tar', () => wrap(randomBytes(4096))],
      ...NESTED.map(([label, inner]): [string, () => Buffer] => [`a tar that is ${label}`, () => wrap(inner())]),
    ];
    if (tool) {
      let good: Buffer | undefined;
      cases.push(...compressedCases(() => (good ??= compress(tar, tool)), tool));
    } else {
      cases.push(['an empty file', () => Buffer.alloc(0)]);
    }
    // After the first end-of-archive block the files are all there: GNU tar accepts these too.
    const whole: Array<[string, () => Buffer]> = [
      ['the tar cut inside its end-of-archive blocks', () => wrap(tar.subarray(0, endOfArchive + 300))],
      ['garbage after the tar’s end-of-archive blocks', () => wrap(Buffer.concat([tar, randomBytes(3000)]))],
    ];
    if (ignoresTrailingGarbage(tool)) whole.push(...cases.splice(cases.findIndex(([label]) => label === 'garbage after a valid stream'), 1));
    for (const [label, bytes] of whole) {
      for (const source of format.sources) {
        it(`${label} (${source}): the whole tree`, { timeout: 20_000 }, async () => {
          await assertWhole(unpack(bytes(), format.name, source, format.settings));
        });
      }
    }
    for (const [label, bytes] of cases) {
      for (const source of format.sources) {
        it(`${label} (${source})`, { timeout: 20_000 }, async () => {
          await assertRefused(unpack(bytes(), format.name, source, format.settings), format.name);
        });
      }
    }
  });
}

const SINGLE_FILES: Format[] = [
  { label: '.gz', name: 'tool.gz', settings: {}, options: {}, tool: 'gzip', sources: ['file'] },
  { label: '.xz (system xz)', name: 'tool.xz', settings: { unpack: { xzDecoder: 'system' } }, options: skipWithout('xz'), tool: 'xz', sources: ['file'] },
  { label: '.xz (wasm decoder)', name: 'tool.xz', settings: { unpack: { xzDecoder: 'wasm' } }, options: skipWithout('xz'), tool: 'xz', sources: ['file'] },
  { label: '.bz2', name: 'tool.bz2', settings: {}, options: skipWithout('bzip2'), tool: 'bzip2', sources: ['file'] },
  { label: '.zst', name: 'tool.zst', settings: {}, options: skipWithout('zstd'), tool: 'zstd', sources: ['file'] },
];

for (const format of SINGLE_FILES) {
  describe(`a single ${format.label} file: malformed input is refused`, format.options, () => {
    const tool = format.tool!;
    let good: Buffer | undefined;
    const cases = compressedCases(() => (good ??= compress(randomBytes(100_000), tool)), tool)
      // A valid stream of garbage is a valid compressed file: what it holds is the tool's business.
      .filter(([label]) => label !== 'a valid stream around garbage')
      .filter(([label]) => !ignoresTrailingGarbage(tool) || label !== 'garbage after a valid stream');
    for (const [label, bytes] of cases) {
      it(label, { timeout: 20_000 }, async () => {
        await assertRefused(unpack(bytes(), format.name, 'file', format.settings), format.name);
      });
    }
  });
}

describe('zip: malformed input is refused', skipWithout('zip'), () => {
  let good: Buffer | undefined;
  /** A zip of one deflated file (compressible text) and one stored file, made by Info-ZIP. */
  const zip = () => {
    if (good) return good;
    writeTree(join(work, 'zip-src'), { 'pkg/text': 'line of text to deflate\n'.repeat(5000), 'pkg/random': randomBytes(20_000) });
    return (good = readFileSync(makeZip(join(work, 'zip-src'), join(work, 'good.zip'), ['pkg'])));
  };
  const endRecord = (bytes: Buffer) => bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const centralAt = (bytes: Buffer) => bytes.readUInt32LE(endRecord(bytes) + 16);
  /** The central directory entry of `name`, and its local header's offset. */
  const centralEntry = (bytes: Buffer, name: string) => {
    for (let at = centralAt(bytes); bytes.readUInt32LE(at) === 0x02014b50; ) {
      const nameLength = bytes.readUInt16LE(at + 28);
      const entryName = bytes.subarray(at + 46, at + 46 + nameLength).toString();
      if (entryName === name) return { at, localAt: bytes.readUInt32LE(at + 42), compressedSize: bytes.readUInt32LE(at + 20) };
      at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    }
    throw new Error(`${name} is not in the zip`);
  };
  const cases: Array<[string, () => Buffer]> = [
    ['an empty file', () => Buffer.alloc(0)],
    ['cut inside the first local header', () => zip().subarray(0, 20)],
    ['cut inside an entry’s data', () => zip().subarray(0, Math.floor(zip().length / 2))],
    ['cut inside the end record', () => zip().subarray(0, zip().length - 10)],
    ['garbage after the archive', () => Buffer.concat([zip(), randomBytes(3000)])],
    [
      'a central directory that starts past the end',
      () => {
        const bytes = Buffer.from(zip());
        bytes.writeUInt32LE(bytes.length + 1000, endRecord(bytes) + 16);
        return bytes;
      },
    ],
    [
      'an end record that declares more entries than the directory holds',
      () => {
        const bytes = Buffer.from(zip());
        bytes.writeUInt16LE(500, endRecord(bytes) + 8);
        bytes.writeUInt16LE(500, endRecord(bytes) + 10);
        return bytes;
      },
    ],
    [
      'a central directory entry whose local header is past the end',
      () => {
        const bytes = Buffer.from(zip());
        bytes.writeUInt32LE(bytes.length + 1000, centralEntry(bytes, 'pkg/text').at + 42);
        return bytes;
      },
    ],
    [
      'a local header cut by the end of the data before the directory',
      () => {
        // The entry's local header starts 12 bytes before the central directory: its 30 bytes
        // run into the directory, whose signature is not a local header's name or data.
        const bytes = Buffer.from(zip());
        bytes.writeUInt32LE(centralAt(bytes) - 12, centralEntry(bytes, 'pkg/text').at + 42);
        return bytes;
      },
    ],
    [
      'a local header whose name and extra field run past the end',
      () => {
        const bytes = Buffer.from(zip());
        const { localAt } = centralEntry(bytes, 'pkg/text');
        bytes.writeUInt16LE(0xffff, localAt + 26);
        bytes.writeUInt16LE(0xffff, localAt + 28);
        return bytes;
      },
    ],
    [
      'an entry whose deflated data is corrupt',
      () => {
        const bytes = Buffer.from(zip());
        const { localAt, compressedSize } = centralEntry(bytes, 'pkg/text');
        const dataAt = localAt + 30 + bytes.readUInt16LE(localAt + 26) + bytes.readUInt16LE(localAt + 28);
        bytes.fill(0xa5, dataAt + 10, dataAt + Math.min(compressedSize - 4, 200));
        return bytes;
      },
    ],
    [
      'an entry whose stored data is altered (CRC mismatch)',
      () => {
        const bytes = Buffer.from(zip());
        const { localAt } = centralEntry(bytes, 'pkg/random');
        const dataAt = localAt + 30 + bytes.readUInt16LE(localAt + 26) + bytes.readUInt16LE(localAt + 28);
        bytes.writeUInt8(bytes.readUInt8(dataAt + 100) ^ 0xff, dataAt + 100);
        return bytes;
      },
    ],
  ];
  for (const [label, bytes] of cases) {
    it(label, { timeout: 20_000 }, async () => {
      await assertRefused(unpack(bytes(), 'tool.zip', 'file', {}), 'tool.zip');
    });
  }
});

