// Our tests, benchmarks and demo load TypeScript the same way plugin authors' tests do.
import { register } from 'node:module';
import '../test-utils/register.mjs';

// Inside this checkout, `proto-ts/<module>` (how test-utils imports the host) resolves to the
// TypeScript sources, not to the compiled dist/: one copy of every module, whatever imports it.
// The "proto-ts-source" condition of package.json's exports does that; tsconfig.json's
// customConditions tells TypeScript the same.
const addSourceCondition = `export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes('proto-ts-source') ? context.conditions : [...context.conditions, 'proto-ts-source'];
  return next(specifier, { ...context, conditions });
}`;
register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
