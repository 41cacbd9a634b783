// Check stage: the validator for the spec schema. The build precompiles it into dist/schema/
// spec-validator.generated.js (schemas/src/build-validator.mjs); compiling the schema at run time costs ~250 ms, so
// that is only the fallback when the generated module is missing (and what tests compare the build against).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

type AjvClass = new (options: object) => { compile(schema: unknown): ValidateFunction };

let compiled: ValidateFunction | undefined;
let precompiled: ValidateFunction | undefined;
try {
  precompiled = ((await import(new URL('./spec-validator.generated.js', import.meta.url).href)) as { default: ValidateFunction }).default;
} catch {
  precompiled = undefined;
}

export const SPEC_SCHEMA_URL = new URL('../../schemas/edgeml.schema.json', import.meta.url);
/** Ajv options shared with the build step; `verbose` makes errors carry the failing schema and data. */
export const SPEC_AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true } as const;

export function getSpecValidator(): ValidateFunction {
  return precompiled ?? (compiled ??= compileSpecValidator());
}

export function hasPrecompiledValidator(): boolean {
  return precompiled !== undefined;
}

/** Compiles the schema at run time (slow); Ajv is loaded only here. */
export function compileSpecValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(SPEC_SCHEMA_URL, 'utf8'));
  const Ajv = (createRequire(import.meta.url)('ajv') as { default: AjvClass }).default;
  return new Ajv(SPEC_AJV_OPTIONS).compile(schema);
}
