/**
 * Validation against the JSON Schemas shipped in the package (`schemas/*.schema.json`): the
 * plugin manifest and the index listing. The schema files are the contract index maintainers
 * validate against with any tool; we validate with ajv.
 *
 * Compiling a schema with ajv costs ~60-90 ms of CPU (loading ajv, and compiling the draft-07
 * meta-schema to check ours), in every plugin command. So the CLI's bundle carries both
 * validators as code ajv generated at build time (`precompiledValidatorsModule`, used by
 * scripts/bundle-cli.mjs; see ./precompiled-schemas.ts); each is used only while its schema file
 * is the text it was generated from. Elsewhere (the sources, dist/ without the bundle, a schema
 * edited since the build) the schema is compiled on first use, with the same options.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';

export type SchemaName = 'plugin-manifest' | 'plugin-index';

export const SCHEMA_NAMES: readonly SchemaName[] = ['plugin-manifest', 'plugin-index'];

/** What ajv is told, at run time and when it generates the bundle's validators. */
const AJV_OPTIONS: Options = { allErrors: true, verbose: true };

/** A validator generated from a schema's text (see ./precompiled-schemas.ts). */
export interface PrecompiledValidator {
  /** The schema file's text it was generated from. */
  source: string;
  validate: ValidateFunction;
}

interface PropertySchema {
  description?: string;
  pattern?: string;
}

const textCache = new Map<SchemaName, string>();
const schemaCache = new Map<SchemaName, Record<string, unknown>>();
const validators = new Map<SchemaName, Promise<ValidateFunction>>();

/** The schema file's text, read once per process. */
function schemaText(name: SchemaName): string {
  let text = textCache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8');
    textCache.set(name, text);
  }
  return text;
}

/** The schema document (parsed JSON), read once per process. */
export function loadSchema(name: SchemaName): Record<string, unknown> {
  let schema = schemaCache.get(name);
  if (!schema) {
    schema = JSON.parse(schemaText(name)) as Record<string, unknown>;
    schemaCache.set(name, schema);
  }
  return schema;
}

/** A top-level property's schema, e.g. the `pattern` of `name` (one truth: the file). */
export function schemaProperty(name: SchemaName, property: string): PropertySchema {
  const properties = loadSchema(name).properties as Record<string, PropertySchema>;
  return properties[property] ?? {};
}

/** Every way `value` breaks the schema, as sentences naming the field; empty when it is valid. */
export async function schemaProblems(name: SchemaName, value: unknown): Promise<string[]> {
  return validationProblems(await validatorFor(name), value);
}

/** Every way `value` fails `validate`, as sentences naming the field. */
export function validationProblems(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeError);
}

function validatorFor(name: SchemaName): Promise<ValidateFunction> {
  let validator = validators.get(name);
  if (!validator) {
    validator = import('./precompiled-schemas.js').then(
      ({ precompiledValidators }) => usablePrecompiled(name, precompiledValidators) ?? compileSchema(name),
    );
    validators.set(name, validator);
  }
  return validator;
}

/** The precompiled validator of `name`, if there is one and its schema file has not changed since. */
export function usablePrecompiled(name: SchemaName, precompiled: Partial<Record<SchemaName, PrecompiledValidator>>): ValidateFunction | undefined {
  const entry = precompiled[name];
  return entry !== undefined && entry.source === schemaText(name) ? entry.validate : undefined;
}

/** The validator of `name`, compiled now by ajv. */
export async function compileSchema(name: SchemaName): Promise<ValidateFunction> {
  const { default: Ajv } = (await import('ajv')).default;
  return new Ajv(AJV_OPTIONS).compile(loadSchema(name));
}

/**
 * A CommonJS module exporting `precompiledValidators` (the shape of ./precompiled-schemas.ts):
 * ajv's standalone code of every schema, with the text each was generated from. It requires
 * ajv's small runtime helpers (ucs2length, equal), not ajv.
 */
export async function precompiledValidatorsModule(): Promise<string> {
  const { default: Ajv } = (await import('ajv')).default;
  const { default: standaloneCode } = (await import('ajv/dist/standalone/index.js')).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  for (const name of SCHEMA_NAMES) ajv.addSchema(loadSchema(name), name);
  const code = standaloneCode(ajv, Object.fromEntries(SCHEMA_NAMES.map((name) => [name, name])));
  const entries = SCHEMA_NAMES.map((name) => `${JSON.stringify(name)}: { source: ${JSON.stringify(schemaText(name))}, validate: exports[${JSON.stringify(name)}] }`);
  return `${code}\nexports.precompiledValidators = { ${entries.join(', ')} };\n`;
}

function describeError(error: ErrorObject): string {
  const field = error.instancePath === '' ? 'the document' : `"${error.instancePath.slice(1).replaceAll('/', '.')}"`;
  const parent = error.parentSchema as PropertySchema | undefined;
  switch (error.keyword) {
    case 'required':
      return `${field} lacks the required field "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'pattern':
      // The regex itself helps nobody; the property's description says what is expected.
      return `${field} is ${JSON.stringify(error.data)}, expected: ${parent?.description ?? 'a different format'}`;
    case 'enum':
      return `${field} is ${JSON.stringify(error.data)}; it must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}
