/**
 * Validation against the JSON Schemas shipped in the package (`schemas/*.schema.json`): the
 * plugin manifest and the index listing. The schema files are the contract index maintainers
 * validate against with any tool; we validate with ajv, loaded on first use only (plugin
 * commands pay for it, `proto run` and `proto --version` never do).
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';

export type SchemaName = 'plugin-manifest' | 'plugin-index';

interface PropertySchema {
  description?: string;
  pattern?: string;
}

const schemaCache = new Map<SchemaName, Record<string, unknown>>();
const validators = new Map<SchemaName, Promise<ValidateFunction>>();

/** The schema document (parsed JSON), read once per process. */
export function loadSchema(name: SchemaName): Record<string, unknown> {
  let schema = schemaCache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
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
  const validate = await validatorFor(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeError);
}

function validatorFor(name: SchemaName): Promise<ValidateFunction> {
  let validator = validators.get(name);
  if (!validator) {
    validator = import('ajv').then(({ default: { default: Ajv } }) => new Ajv({ allErrors: true, verbose: true }).compile(loadSchema(name)));
    validators.set(name, validator);
  }
  return validator;
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
