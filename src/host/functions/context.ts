/**
 * What every host function may touch, given by the plugin container. Host functions run on the
 * main thread while the guest waits in its worker, so they may be async.
 */
import type { PermissionGate } from '../permissions.js';
import type { PathMapping } from '../virtual-paths.js';

/** A GET over the network chokepoint; url-rewrites, proxies and retries are its business. */
export type HttpGet = (url: string, headers: Record<string, string>, signal?: AbortSignal) => Promise<{ status: number; body: Uint8Array }>;

export interface HostFunctionContext {
  /** Plugin id, for logs and error messages. */
  readonly pluginId: string;
  /** What the plugin may do: every gated host function asks it first (`../permissions.ts`). */
  readonly gate: PermissionGate;
  /** `[hostDir, guestPrefix]`, deepest host dir first. */
  readonly mapping: PathMapping;
  /**
   * The environment the plugin reads and writes (`get_env_var`, `set_env_var`) and that commands
   * inherit. proto uses the process env itself; embedders and tests may give their own object.
   */
  readonly env: NodeJS.ProcessEnv;
  /** Working dir of commands that give no `cwd`. */
  readonly cwd: string;
  readonly httpGet: HttpGet;
  /** Where `host_log` stdout/stderr targets and streamed commands write. */
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /**
   * Aborted when the running instance is stopped (its call ran past the bound, or the plugin was
   * closed): commands are killed and requests cancelled instead of outliving the call.
   */
  readonly signal: AbortSignal;
  /** Ceilings of what a plugin may hand us (bytes): see `[settings.limits]`. */
  readonly limits: { readonly outputBytes: number; readonly commandOutputBytes: number };
}
