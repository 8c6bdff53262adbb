/**
 * How long one plugin call may take. Apart from the plugin container so that the session can
 * settle a plugin's bound without loading the WASM runtime.
 */

/** proto ≤0.49 bounded every call by 90 s; we keep that default and let each plugin change it. */
export const DEFAULT_CALL_TIMEOUT_MS = 90_000;
/** Every configured bound is kept within these (Lumiverse's range), so no setting can remove the bound or make it useless. */
export const CALL_TIMEOUT_RANGE_MS = { min: 1_000, max: 300_000 } as const;
