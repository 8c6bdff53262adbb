import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isInsideDir, realPathInsideDirs } from '../../../src/store/inside-dir.js';

describe('isInsideDir', () => {
  it('compares whole components', () => {
    assert.equal(isInsideDir('/store', '/store'), true);
    assert.equal(isInsideDir('/store/tools/node', '/store'), true);
    // A name that merely starts with two dots is still a child.
    assert.equal(isInsideDir('/store/..cache', '/store'), true);
    assert.equal(isInsideDir('/store/..', '/store'), false);
    assert.equal(isInsideDir('/store/../etc', '/store'), false);
    assert.equal(isInsideDir('/store-other/x', '/store'), false);
    assert.equal(isInsideDir('/', '/store'), false);
  });
});

describe('realPathInsideDirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'inside-dir-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('follows symlinks before deciding', () => {
    const dir = join(root, 'product');
    mkdirSync(dir);
    writeFileSync(join(dir, 'exe'), '');
    writeFileSync(join(root, 'outside'), '');
    symlinkSync(join(root, 'outside'), join(dir, 'escape'));
    assert.ok(realPathInsideDirs(join(dir, 'exe'), [dir])?.endsWith('exe'));
    assert.equal(realPathInsideDirs(join(dir, 'escape'), [dir]), undefined);
    assert.equal(realPathInsideDirs(join(dir, 'missing'), [dir]), undefined);
  });
});
