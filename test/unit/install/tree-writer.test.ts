import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { TreeWriter, type TreeWriterLimits } from '../../../src/install/tree-writer.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'proto-tree-')));
after(() => rmSync(base, { recursive: true, force: true }));
let root: string;
let warnings: string[];
let count = 0;

beforeEach(() => {
  root = join(base, `out-${count++}`, 'tool');
  mkdirSync(root, { recursive: true });
  warnings = [];
});

const writer = (limits: TreeWriterLimits = { maxBytes: 1 << 30, maxEntries: 1000 }) => new TreeWriter(root, limits, 'test.tar', (m) => warnings.push(m));

function file(w: TreeWriter, path: string[], content: string, mode = 0o644): void {
  const sink = w.openFile(path, mode, Buffer.byteLength(content))!;
  sink.write(Buffer.from(content));
  sink.close(new Date(1_000_000_000_000));
}

describe('TreeWriter', () => {
  it('writes files with modes and mtimes, dropping setuid bits', () => {
    const w = writer();
    file(w, ['bin', 'tool'], 'x', 0o4755);
    w.finish();
    const stat = statSync(join(root, 'bin/tool'));
    assert.equal(stat.mode & 0o7777, 0o755);
    assert.equal(stat.mtimeMs, 1_000_000_000_000);
  });

  it('restores symlink chains whatever their order', () => {
    const w = writer();
    w.addSymlink(['bin', 'python'], 'python3');
    w.addSymlink(['bin', 'python3'], 'python3.12');
    file(w, ['bin', 'python3.12'], 'py');
    w.finish();
    assert.equal(readlinkSync(join(root, 'bin/python')), 'python3');
    assert.equal(readFileSync(join(root, 'bin/python'), 'utf8'), 'py');
    assert.deepEqual(warnings, []);
  });

  it('removes a link that only the real tree shows escaping (x -> ., y -> x/..)', () => {
    const w = writer();
    w.addSymlink(['y'], 'x/..');
    w.addSymlink(['x'], '.');
    w.finish();
    assert.equal(existsSync(join(root, 'y')), false);
    assert.equal(lstatSync(join(root, 'x')).isSymbolicLink(), true);
    assert.ok(warnings.some((m) => m.includes('y -> x/..')));
  });

  it('never creates a link through a link that leads outside', () => {
    const w = writer();
    w.addSymlink(['x'], '.');
    w.addSymlink(['x', 'up'], '..'); // really root/up -> .. : outside
    w.addSymlink(['x', 'up', 'planted'], 'anything'); // would land next to the tool dir
    w.finish();
    assert.equal(existsSync(join(root, '..', 'planted')), false);
    assert.equal(existsSync(join(root, 'up')), false);
  });

  it('skips absolute and climbing links', () => {
    const w = writer();
    w.addSymlink(['a'], '/etc/passwd');
    w.addSymlink(['b', 'c'], '../../outside');
    w.finish();
    assert.equal(existsSync(join(root, 'a')), false);
    assert.equal(existsSync(join(root, 'b')), false);
    assert.equal(warnings.length, 2);
  });

  it('hardlinks only to files it wrote', () => {
    const outside = join(root, '..', 'victim');
    writeFileSync(outside, 'v');
    const w = writer();
    file(w, ['a'], 'data');
    w.addHardlink(['b'], ['a'], 'a');
    w.addHardlink(['c'], ['missing'], 'missing');
    w.addHardlink(['d'], undefined, '../victim');
    w.finish();
    assert.equal(statSync(join(root, 'b')).nlink, 2);
    assert.equal(existsSync(join(root, 'c')), false);
    assert.equal(existsSync(join(root, 'd')), false);
    assert.equal(statSync(outside).nlink, 1);
    assert.equal(warnings.length, 2);
  });

  it('lets a later entry of the same name win', () => {
    const w = writer();
    file(w, ['a'], 'first');
    file(w, ['a'], 'second');
    w.finish();
    assert.equal(readFileSync(join(root, 'a'), 'utf8'), 'second');
  });

  it('refuses a file whose declared size exceeds the budget before writing it', () => {
    const w = writer({ maxBytes: 100, maxEntries: 10 });
    assert.throws(() => w.openFile(['big'], 0o644, 101), { code: 'install.archive_too_large' });
    assert.equal(existsSync(join(root, 'big')), false);
  });

  it("names the setting that sets the byte budget in the refusal's hint, unpack-size unless told", () => {
    const hintOf = (limits: TreeWriterLimits) => {
      try {
        writer(limits).openFile(['big'], 0o644, limits.maxBytes + 1);
      } catch (error) {
        return (error as { hint?: string }).hint ?? '';
      }
      assert.fail('the file was not refused');
    };
    const byRatio = hintOf({ maxBytes: 100, maxEntries: 10, bytesBound: { name: 'unpackRatio', current: 300 } });
    assert.match(byRatio, /raise \[settings\.limits\] unpack-ratio \(ratio\) in \.prototools \(now 300\)/);
    assert.doesNotMatch(byRatio, /unpack-size/);
    const bySize = hintOf({ maxBytes: 2 * 1024 * 1024, maxEntries: 10, bytesBound: { name: 'unpackSize', current: 2 } });
    assert.match(bySize, /unpack-size \(MiB\) in \.prototools \(now 2\)/);
    assert.doesNotMatch(bySize, /unpack-ratio/);
    assert.match(hintOf({ maxBytes: 100, maxEntries: 10 }), /unpack-size/);
  });

  it('counts bytes beyond the declared size as they arrive', () => {
    const w = writer({ maxBytes: 100, maxEntries: 10 });
    const sink = w.openFile(['liar'], 0o644, 10)!;
    sink.write(Buffer.alloc(50));
    assert.throws(() => sink.write(Buffer.alloc(60)), { code: 'install.archive_too_large' });
    w.abort();
  });

  it('caps the number of entries', () => {
    const w = writer({ maxBytes: 100, maxEntries: 3 });
    w.addDirectory(['a']);
    w.addDirectory(['b']);
    w.addDirectory(['c']);
    assert.throws(() => w.addDirectory(['d']), { code: 'install.archive_too_large' });
  });

  it('refuses a path below a file', () => {
    const w = writer();
    file(w, ['a'], 'x');
    assert.throws(() => w.openFile(['a', 'b'], 0o644, 1), { code: 'install.corrupt_archive' });
  });
});
