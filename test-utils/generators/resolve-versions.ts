/**
 * `generateResolveVersionsTests(id, { in: out }, options)` — proto's
 * `generate_resolve_versions_tests!`:
 *
 * - `resolves_latest_alias`: `latest` resolves to a version (not to `latest` itself);
 * - `resolve_version_or_alias`: each `in` spec resolves to exactly `out`;
 * - `errors_invalid_alias`: `unknown` fails with proto's FailedVersionResolve
 *   (`version.resolve_failed`);
 * - `errors_invalid_version`: so does `99.99.99`.
 *
 * Resolution is the host's (`resolve_version`, then `load_versions` + the resolver), so these
 * test the plugin's version list and aliases as proto would use them.
 */
import assert from 'node:assert/strict';
import { isProtoError } from 'proto-ts/errors';
import { resolveToolVersion } from 'proto-ts/tool';
import type { PluginTestWrapper } from '../plugin-wrapper.js';
import { defineGeneratedSuite, type PluginSuiteOptions } from './suite.js';

export function generateResolveVersionsTests(id: string, expectations: Record<string, string>, options: PluginSuiteOptions): void {
  defineGeneratedSuite(id, options, (suite) => {
    suite.test('resolves_latest_alias', async ({ load }) => {
      const version = await resolveToolVersion((await load()).tool, 'latest');
      assert.notEqual(version, 'latest', '`latest` resolved to itself');
    });

    suite.test('resolve_version_or_alias', async ({ load }) => {
      const plugin = await load();
      const wrong: string[] = [];
      for (const [spec, expected] of Object.entries(expectations)) {
        const actual = await resolveOrMessage(plugin, spec);
        if (actual !== expected) wrong.push(`  ${spec} → ${actual} (expected ${expected})`);
      }
      if (wrong.length > 0) assert.fail(`some specs resolved wrongly:\n${wrong.join('\n')}`);
    });

    suite.test('errors_invalid_alias', async ({ load }) => expectResolveFailure(await load(), 'unknown'));
    suite.test('errors_invalid_version', async ({ load }) => expectResolveFailure(await load(), '99.99.99'));
  });
}

async function resolveOrMessage(plugin: PluginTestWrapper, spec: string): Promise<string> {
  try {
    return await resolveToolVersion(plugin.tool, spec);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

async function expectResolveFailure(plugin: PluginTestWrapper, spec: string): Promise<void> {
  let resolved: string | undefined;
  try {
    resolved = await resolveToolVersion(plugin.tool, spec);
  } catch (error) {
    assert.ok(isProtoError(error, 'version.resolve_failed'), `resolving "${spec}" failed, but not with version.resolve_failed: ${String(error)}`);
    return;
  }
  assert.fail(`"${spec}" resolved to ${resolved}; it should fail to resolve (FailedVersionResolve)`);
}
