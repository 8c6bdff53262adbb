/**
 * The on/off words of environment switches: one list, read the same by every switch (PROTO_CACHE,
 * PROTO_OFFLINE, PROTO_JSON, boolean settings from the environment).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTruthy } from '../../src/cli/global-flags.js';
import { settingsFromEnv } from '../../src/config/index.js';
import { envSwitch } from '../../src/env-switch.js';
import { isProtoError } from '../../src/errors.js';
import { isCacheDisabled } from '../../src/store/index.js';

describe('environment switches', () => {
  it('reads on and off words in any case, around spaces; anything else is neither', () => {
    for (const word of ['1', 'true', 'YES', ' on ', 'True']) assert.equal(envSwitch(word), true, word);
    for (const word of ['0', 'false', 'No', ' OFF\n']) assert.equal(envSwitch(word), false, word);
    for (const word of [undefined, '', 'maybe', '2', 'enabled']) assert.equal(envSwitch(word), undefined, String(word));
  });

  it('is what PROTO_CACHE, PROTO_OFFLINE / PROTO_JSON and boolean settings read', () => {
    assert.equal(isCacheDisabled(' Off '), true);
    assert.equal(isCacheDisabled('on'), false);
    assert.equal(isTruthy(' Yes '), true);
    assert.equal(isTruthy('off'), false);
    // A boolean setting from the environment takes the same words, spaces included.
    assert.equal(settingsFromEnv({ PROTO_AUTO_INSTALL: ' yes ' }).autoInstall, true);
    assert.equal(settingsFromEnv({ PROTO_AUTO_INSTALL: 'OFF' }).autoInstall, false);
    assert.throws(
      () => settingsFromEnv({ PROTO_AUTO_INSTALL: 'maybe' }),
      (error: unknown) => isProtoError(error, 'config.invalid_setting') && /PROTO_AUTO_INSTALL="maybe" must be 1, true, yes, on \(on\) or 0, false, no, off \(off\)/.test(error.message),
    );
  });
});
