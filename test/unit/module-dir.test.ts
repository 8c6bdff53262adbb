import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { moduleDir } from '../../src/module-dir.js';

describe('moduleDir', () => {
  it("is the module's directory with import.meta.dirname, and without it (Node before 20.11)", () => {
    const expected = dirname(fileURLToPath(import.meta.url));
    assert.equal(moduleDir(import.meta.dirname, import.meta.url), expected);
    assert.equal(moduleDir(undefined, import.meta.url), expected);
  });
});
