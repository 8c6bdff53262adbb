/** Test utilities for proto-compatible WASM tool plugins (ours and plugin authors'). */
export { createSandbox, type Sandbox } from './sandbox.js';
