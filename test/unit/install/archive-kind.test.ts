import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectArchiveKind } from '../../../src/install/index.js';

describe('detectArchiveKind', () => {
  it('recognises archives by their most specific extension', () => {
    assert.deepEqual(detectArchiveKind('node-v20.tar.xz'), { type: 'tar', compression: 'xz' });
    assert.deepEqual(detectArchiveKind('x.TGZ'), { type: 'tar', compression: 'gzip' });
    assert.deepEqual(detectArchiveKind('x.tar.bz2'), { type: 'tar', compression: 'bzip2' });
    assert.deepEqual(detectArchiveKind('x.tbz2'), { type: 'tar', compression: 'bzip2' });
    assert.deepEqual(detectArchiveKind('x.tar.zst'), { type: 'tar', compression: 'zstd' });
    assert.deepEqual(detectArchiveKind('x.tar'), { type: 'tar', compression: 'none' });
    assert.deepEqual(detectArchiveKind('x.zip'), { type: 'zip' });
    assert.deepEqual(detectArchiveKind('x.pkg'), { type: 'unsupported', format: 'pkg' });
  });

  it('treats single compressed files and anything else as the executable', () => {
    assert.deepEqual(detectArchiveKind('tool-linux.gz'), { type: 'compressed-file', compression: 'gzip', outputName: 'tool-linux' });
    assert.deepEqual(detectArchiveKind('tool.xz'), { type: 'compressed-file', compression: 'xz', outputName: 'tool' });
    assert.deepEqual(detectArchiveKind('tool.zst'), { type: 'compressed-file', compression: 'zstd', outputName: 'tool' });
    assert.deepEqual(detectArchiveKind('tool-linux-x64'), { type: 'file' });
    assert.deepEqual(detectArchiveKind('tool.exe'), { type: 'file' });
  });
});
