/**
 * A generated suite run in a child process by generators-fail.test.ts (not a *.test.ts, so
 * `npm test` does not run it directly). The plugin comes from GENERATED_SUITE_PLUGIN:
 * `disttool` (must pass) or `broken-disttool` (must fail). Each generator sits in an outer
 * describe naming it, so the parent can tell the two `installs_tool` tests apart.
 */
import { describe } from 'node:test';
import { startDisttoolDist } from '../../../support/disttool-dist.js';
import { fixturePlugin } from '../../../support/fixtures.js';
import {
  generateDownloadInstallTests,
  generateGlobalsTest,
  generateNativeInstallTests,
  generateResolveVersionsTests,
  generateShimsTest,
  urlRewritesFor,
  type PluginSuiteOptions,
} from '../../../../test-utils/index.js';

const pluginName = process.env.GENERATED_SUITE_PLUGIN ?? 'disttool';

const options: PluginSuiteOptions = {
  wasm: () => fixturePlugin(pluginName),
  async setup() {
    const dist = await startDisttoolDist();
    return { urlRewrites: urlRewritesFor('https://dist.disttool.dev', dist.server), teardown: () => dist.close() };
  },
};

describe('download-install latest', () => generateDownloadInstallTests('disttool', 'latest', options));
describe('download-install 2.1.0', () => generateDownloadInstallTests('disttool', '2.1.0', options));
describe('resolve-versions', () =>
  generateResolveVersionsTests('disttool', { '1': '1.4.2', stable: '2.1.0', 'lts-argon': '1.4.2', '2.0.0': '2.0.0' }, options));
describe('shims', () => generateShimsTest('disttool', ['disttool', 'dtx'], options));
describe('globals', () => generateGlobalsTest('disttool', 'prettier@3', 'DISTTOOL_HOME', options));
describe('native-install', () => generateNativeInstallTests('disttool', '2.1.0', options));
