/**
 * "A hint that names a setting names one that exists": pulls `[settings.limits] <key>` out of an
 * error's hint and checks that the real config parser accepts that key without a warning.
 */
import assert from 'node:assert/strict';
import { parseConfigText } from '../../../src/config/index.js';

export function assertHintNamesLimit(error: unknown, key: string): void {
  const hint = (error as { hint?: string }).hint ?? '';
  assert.match(hint, new RegExp(`\\[settings\\.limits\\] ${key}\\b`), `the hint names [settings.limits] ${key}: ${hint}`);
  const { warnings } = parseConfigText(`[settings.limits]\n${key} = 1\n`, '/tmp/.prototools');
  assert.deepEqual(warnings, [], `[settings.limits] ${key} is a setting the config parser knows`);
}
