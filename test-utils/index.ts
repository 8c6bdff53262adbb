/** Test utilities for proto-compatible tool plugins. Keep this an export list. */
export { createSandbox, type Sandbox } from './sandbox.js';
export { startDistServer, type DistFault, type DistRequest, type DistServer, type DistServerOptions } from './dist-server.js';
