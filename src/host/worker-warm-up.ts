/**
 * Starts the plugin worker from code that must not load the plugin host itself (a tool's load is on
 * every command's start-up path): only when the host is loaded already. `proto install` loads the
 * worker pool as it starts (install.ts), so there the worker starts at the first tool whose
 * plugin must run, not after every other tool's metadata look-up and the plugin host's load.
 * Imports nothing.
 */
let warmUp: (() => void) | undefined;

/** Called by the worker pool as it loads: how to start the next plugin's worker. */
export function offerPluginWorkerWarmUp(start: () => void): void {
  warmUp = start;
}

/** Starts the worker the next plugin will run in (see worker-pool.ts), if the pool is loaded. */
export function warmUpPluginWorkerIfLoaded(): void {
  warmUp?.();
}
