/**
 * `generateGlobalsTest(id, dependency, envVar, options)` — proto 0.30's `generate_globals_test!`
 * (`installs_and_uninstalls_globals`; globals were removed from proto in 0.31):
 *
 * 1. when `envVar` is given, it is set to the sandbox root for the plugin and the lookup;
 * 2. the globals dir is located from `locate_executables`' `globals_lookup_dirs` (see
 *    globals-dir.ts) and created;
 * 3. `install_global(dependency)` must succeed and leave `<globals_dir>/[bin/]<name><ext>`,
 *    where `<name>` is the package name without scope or `@version`;
 * 4. `uninstall_global(<name>)` must succeed and leave none of those files.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { locateGlobalsDir } from '../globals-dir.js';
import { defineGeneratedSuite, type PluginSuiteOptions } from './suite.js';

export function generateGlobalsTest(id: string, dependency: string, envVar: string | undefined, options: PluginSuiteOptions): void {
  defineGeneratedSuite(id, options, (suite) => {
    suite.test('installs_and_uninstalls_globals', async ({ load, sandbox }) => {
      const plugin = await load({ env: envVar ? { [envVar]: sandbox.root } : {} });
      const located = await plugin.locateExecutables();
      const globalsDir = locateGlobalsDir(located.globals_lookup_dirs, {
        home: sandbox.home,
        protoHome: plugin.store.root,
        toolDir: plugin.productDir(),
        env: plugin.env,
      });
      assert.ok(globalsDir, `locate_executables gave no usable globals_lookup_dirs (${JSON.stringify(located.globals_lookup_dirs)})`);

      const name = packageName(dependency);
      const installed = await plugin.installGlobal({ dependency, globals_dir: globalsDir });
      assert.ok(installed.installed, `install_global(${dependency}) failed: ${installed.error ?? 'no error given'}`);
      const candidates = globalExecutableCandidates(globalsDir, name);
      assert.ok(
        candidates.some((path) => existsSync(path)),
        `install_global(${dependency}) reported success, but none of these exists:\n  ${candidates.join('\n  ')}`,
      );

      const uninstalled = await plugin.uninstallGlobal({ dependency: name, globals_dir: globalsDir });
      assert.ok(uninstalled.uninstalled, `uninstall_global(${name}) failed: ${uninstalled.error ?? 'no error given'}`);
      const left = candidates.filter((path) => existsSync(path));
      if (left.length > 0) assert.fail(`uninstall_global(${name}) reported success, but left:\n  ${left.join('\n  ')}`);
    });
  });
}

/** `@scope/pkg@1.2` → `pkg`, `tool@3` → `tool`: after the last `/`, before the `@version`. */
export function packageName(dependency: string): string {
  const afterSlash = dependency.slice(dependency.lastIndexOf('/') + 1);
  const at = afterSlash.indexOf('@', 1);
  return (at > 0 ? afterSlash.slice(0, at) : afterSlash).replace(/^@/, '');
}

/** `<dir>/[bin/]<name><ext>` for the extensions a global executable may have on this OS. */
function globalExecutableCandidates(globalsDir: string, name: string): string[] {
  const native = process.platform === 'win32' ? ['.exe', '.ps1', '.cmd'] : ['', '.sh'];
  const scripts = ['.ts', '.js', '.mjs', '.cjs'];
  return [globalsDir, join(globalsDir, 'bin')].flatMap((dir) => [...native, ...scripts].map((ext) => join(dir, name + ext)));
}
