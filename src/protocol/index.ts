/** The plugin wire contract: types, names and readers. Imports nothing from the rest of src/. */
export * from './enums.js';
export * from './types.js';
export * from './virtual-path.js';
export * from './functions.js';
export * from './config-keys.js';
export * from './normalize.js';
export * from './node-names.js';
