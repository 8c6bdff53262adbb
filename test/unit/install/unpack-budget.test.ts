import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unpackBudget, unpackByteBudget } from '../../../src/install/install-settings.js';
import { MIB } from '../../../src/limits.js';

describe('unpackBudget', () => {
  const limits = { maxBytes: 1000 * MIB, maxRatio: 10, ratioFloorBytes: 100 * MIB };

  it('is the ratio (at least its floor) while that stays under unpack-size, and says so', () => {
    assert.deepEqual(unpackBudget(50 * MIB, limits), { bytes: 500 * MIB, bound: 'unpackRatio', current: 10 });
  });

  it('under the floor, names the ratio the archive is really held to: raising unpack-ratio helps only past it', () => {
    assert.deepEqual(unpackBudget(1 * MIB, limits), { bytes: 100 * MIB, bound: 'unpackRatio', current: 100 });
    assert.deepEqual(unpackBudget(3 * MIB, limits), { bytes: 100 * MIB, bound: 'unpackRatio', current: 33 });
    assert.equal(unpackBudget(0, limits).current, 10);
  });

  it('is unpack-size (in MiB, as the setting is written) once the ratio reaches it', () => {
    assert.deepEqual(unpackBudget(100 * MIB, limits), { bytes: 1000 * MIB, bound: 'unpackSize', current: 1000 });
    assert.deepEqual(unpackBudget(500 * MIB, limits), { bytes: 1000 * MIB, bound: 'unpackSize', current: 1000 });
    // A floor above unpack-size: unpack-size still bounds.
    assert.equal(unpackBudget(1, { ...limits, maxBytes: 10 * MIB }).bound, 'unpackSize');
  });

  it('unpackByteBudget is its byte count', () => {
    for (const size of [0, MIB, 99 * MIB, 100 * MIB, 10_000 * MIB]) assert.equal(unpackByteBudget(size, limits), unpackBudget(size, limits).bytes);
  });
});
