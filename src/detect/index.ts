/** Which version applies in a directory: env var, `.prototools` upward, plugin version files, global. */
export { detectVersion, type DetectConfigFile, type DetectedVersion, type DetectVersionOptions, type VersionFilePlugin } from './detect-version.js';
export { toEnvVarId, toEnvVarName } from './env-var-name.js';
