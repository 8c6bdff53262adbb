/**
 * The schema validators ajv generated at build time. Empty here: scripts/bundle-cli.mjs replaces
 * this module in the CLI's bundle by `precompiledValidatorsModule()`'s code (see
 * ./schema-validator.ts, which compiles a schema with ajv when its validator is not here).
 */
import type { PrecompiledValidator, SchemaName } from './schema-validator.js';

export const precompiledValidators: Partial<Record<SchemaName, PrecompiledValidator>> = {};
