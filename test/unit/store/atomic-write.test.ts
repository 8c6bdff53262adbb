import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic, writeSiblingTemp } from '../../../src/store/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writeSiblingTemp (shared by writeFileAtomic and lock records)', () => {
  it('writes a new file of its own next to the target, making missing directories', async () => {
    const target = join(dir, 'missing/deeper/lock');
    const first = await writeSiblingTemp(target, 'one');
    const second = await writeSiblingTemp(target, 'two', { mode: 0o600 });
    assert.notEqual(first, second);
    assert.equal(dirname(first), dirname(target));
    assert.match(basename(first), new RegExp(`^lock\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    assert.equal(readFileSync(first, 'utf8'), 'one');
    assert.equal(readFileSync(second, 'utf8'), 'two');
    assert.equal(statSync(second).mode & 0o077, 0, 'mode applies');
  });

  it('writeFileAtomic leaves only the target behind', async () => {
    const target = join(dir, 'fresh/file.json');
    await writeFileAtomic(target, '{}');
    await writeFileAtomic(target, '{"a":1}');
    assert.equal(readFileSync(target, 'utf8'), '{"a":1}');
    assert.deepEqual(readdirSync(dirname(target)), ['file.json']);
  });

  it('fails with the error of the write when its temp file cannot be made, leaving nothing (a file where its directory would be)', async () => {
    const parent = join(dir, 'plain-file');
    await writeFileAtomic(parent, 'x');
    const before = readdirSync(dir).sort();
    await assert.rejects(writeSiblingTemp(join(parent, 'lock'), 'data'), { code: 'ENOTDIR' });
    await assert.rejects(writeFileAtomic(join(parent, 'file.json'), 'data'), { code: 'ENOTDIR' });
    assert.deepEqual(readdirSync(dir).sort(), before);
  });
});
