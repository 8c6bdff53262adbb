/**
 * `generateNativeInstallTests(id, spec, options)` — proto's `generate_native_install_tests!`:
 * `installs_tool` only. The host calls the plugin's `native_install` when it exports one (and
 * falls back to downloading when it does not, or when it answers `skip_install`), then the same
 * install checks as the download suite.
 */
import { registerInstallsTool } from './download-install.js';
import { defineGeneratedSuite, type PluginSuiteOptions } from './suite.js';

export function generateNativeInstallTests(id: string, spec: string, options: PluginSuiteOptions): void {
  defineGeneratedSuite(id, options, (suite) => registerInstallsTool(suite, spec));
}
