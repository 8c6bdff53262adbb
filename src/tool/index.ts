/** One tool: its plugin bound to the store, the install pipeline and the links. */
export { Tool, type ToolLoadOptions } from './tool.js';
export { createInstallPort } from './install-port.js';
export { resolveToolVersion, type ResolveToolVersionOptions } from './resolve.js';
