/**
 * The frame every generated suite shares: a `describe(<id>)` block whose `before` hook runs the
 * caller's `setup` (start a dist server, ...) once, and tests that each get a fresh sandbox and
 * a freshly loaded plugin, like proto's macros (`create_empty_proto_sandbox()` per test).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import type { DetectedHost } from 'proto-ts/host';
import type { InstallSettings } from 'proto-ts/install';
import type { UrlRewrite } from 'proto-ts/net';
import { callerFile } from '../caller-file.js';
import { createPlugin, type PluginTestWrapper } from '../plugin-wrapper.js';
import { createSandbox, type Sandbox } from '../sandbox.js';
import { assertJsonSnapshot } from '../snapshots.js';

/** How a generated suite loads the plugin under test. */
export interface PluginSuiteOptions {
  /** Path of the built `.wasm` (or its bytes), or of a schema plugin (`.toml`, `.json`, `.yaml`); or a function giving either, called when a test starts. */
  wasm: string | Uint8Array | (() => string | Uint8Array);
  /** `[tools.<id>]` settings (merged under those `setup` returns). */
  toolConfig?: Record<string, unknown>;
  /** What the plugin is told about the machine; unset fields are detected. */
  host?: Partial<DetectedHost>;
  /** Extra manifest config keys. */
  config?: Record<string, string>;
  /** Extra env vars for the plugin (on top of the sandbox's scrubbed env). */
  env?: Record<string, string>;
  /** Network/install settings. */
  settings?: InstallSettings;
  /** `settings.url-rewrites` (see `urlRewritesFor`). */
  urlRewrites?: readonly UrlRewrite[];
  /** Runs once before the suite's tests (e.g. starts a dist server); its result is merged in. */
  setup?: () => SuiteSetup | void | Promise<SuiteSetup | void>;
  /** Where snapshots go (default `__snapshots__` next to the test file). */
  snapshotDir?: string;
  /** Extra snapshot placeholders (`{ realString: '<placeholder>' }`). */
  placeholders?: Record<string, string>;
  /** Bound of each generated test, ms (default 60 s). */
  testTimeoutMs?: number;
  /** Bound of each plugin call, ms (default 90 s). */
  callTimeoutMs?: number;
  /** Skip the whole suite, saying why (e.g. while the functions it needs are stubs); `setup` does not run. */
  skip?: string;
}

/** What `setup` may return. */
export interface SuiteSetup {
  toolConfig?: Record<string, unknown>;
  env?: Record<string, string>;
  urlRewrites?: readonly UrlRewrite[];
  settings?: InstallSettings;
  placeholders?: Record<string, string>;
  /** Runs after the suite's tests (stop the server). */
  teardown?: () => unknown;
}

/** Given to each generated test body. */
export interface GeneratedTestContext {
  t: TestContext;
  /** This test's sandbox (removed afterwards). */
  sandbox: Sandbox;
  /** Loads the plugin into the sandbox; `env` adds variables. Closed after the test. */
  load(extra?: { env?: Record<string, string> }): Promise<PluginTestWrapper>;
  /** JSON snapshot named after this test, with the sandbox root replaced by `<sandbox>`. */
  snapshot(value: unknown): void;
}

export interface GeneratedSuite {
  test(name: string, body: (context: GeneratedTestContext) => Promise<void>, options?: { skip?: string | false }): void;
}

/** Registers `describe(id)` with the tests `register` adds. Call it at the top level of a test file. */
export function defineGeneratedSuite(id: string, options: PluginSuiteOptions, register: (suite: GeneratedSuite) => void): void {
  const testFile = callerFile();
  let setup: SuiteSetup = {};
  describe(id, { skip: options.skip }, () => {
    before(async () => {
      setup = (await options.setup?.()) ?? {};
    });
    after(async () => {
      await setup.teardown?.();
    });
    register({
      test(name, body, testOptions = {}) {
        it(name, { timeout: options.testTimeoutMs ?? 60_000, skip: testOptions.skip || undefined }, async (t) => {
          const sandbox = createSandbox(`proto-test-${id.replace(/[^\w.-]/g, '_')}-`);
          const loaded: PluginTestWrapper[] = [];
          try {
            await body({
              t,
              sandbox,
              load: async (extra = {}) => {
                const plugin = await loadPlugin(id, options, setup, sandbox, extra.env);
                loaded.push(plugin);
                return plugin;
              },
              snapshot: (value) =>
                assertJsonSnapshot(t, value, {
                  testFile,
                  dir: options.snapshotDir,
                  placeholders: { ...options.placeholders, ...setup.placeholders, [sandbox.root]: '<sandbox>' },
                }),
            });
          } finally {
            for (const plugin of loaded) await plugin.close().catch(() => undefined);
            sandbox.cleanup();
          }
        });
      },
    });
  });
}

function loadPlugin(id: string, options: PluginSuiteOptions, setup: SuiteSetup, sandbox: Sandbox, env?: Record<string, string>) {
  const wasm = typeof options.wasm === 'function' ? options.wasm() : options.wasm;
  const settings: InstallSettings = { ...options.settings, ...setup.settings };
  return createPlugin(id, {
    wasm,
    sandbox,
    host: options.host,
    config: options.config,
    toolConfig: options.toolConfig || setup.toolConfig ? { ...options.toolConfig, ...setup.toolConfig } : undefined,
    env: { ...options.env, ...setup.env, ...env },
    settings: { ...settings, urlRewrites: [...(setup.urlRewrites ?? []), ...(options.urlRewrites ?? []), ...(settings.urlRewrites ?? [])] },
    timeoutMs: options.callTimeoutMs,
  });
}
