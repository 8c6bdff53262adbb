/**
 * A generated install suite for the depman fixture (shaped like proto's node_depman: its
 * executable is a wrapper it writes through WASI), run in a child process by
 * generators-fail.test.ts. DEPMAN_UPDATE_PERMS=false makes the plugin forget `update_perms`, as
 * a plugin whose tool cannot run: installs_tool must then fail.
 */
import { describe } from 'node:test';
import { startDisttoolDist } from '../../../support/disttool-dist.js';
import { fixturePlugin } from '../../../support/fixtures.js';
import { generateDownloadInstallTests, urlRewritesFor } from '../../../../test-utils/index.js';

describe('depman download-install 2.1.0', () =>
  generateDownloadInstallTests('depman', '2.1.0', {
    wasm: () => fixturePlugin('depman'),
    toolConfig: { 'update-perms': process.env.DEPMAN_UPDATE_PERMS !== 'false' },
    async setup() {
      const dist = await startDisttoolDist();
      return { urlRewrites: urlRewritesFor('https://dist.disttool.dev', dist.server), teardown: () => dist.close() };
    },
  }));
