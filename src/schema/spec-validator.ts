// Check stage: the validator for the spec schema. The build precompiles it into dist/schema/
// spec-validator.generated.js (schemas/src/build-validator.mjs): compiling the schema at run time costs ~250 ms, so
// commands use the generated module, and the run-time compile exists for the test that compares the two.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { packagePath } from '../package-root.js';
import { SPEC_AJV_OPTIONS } from './spec-ajv-options.js';
import precompiled from './spec-validator.generated.js';

type AjvClass = new (options: object) => { compile(schema: unknown): ValidateFunction };

export { SPEC_AJV_OPTIONS };
export const SPEC_SCHEMA_PATH = packagePath('schemas', 'edgeml.schema.json');

export function getSpecValidator(): ValidateFunction {
  return precompiled;
}

/** Compiles the schema at run time (slow); Ajv is loaded only here. */
export function compileSpecValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(SPEC_SCHEMA_PATH, 'utf8'));
  const Ajv = (createRequire(import.meta.url)('ajv') as { default: AjvClass }).default;
  return new Ajv(SPEC_AJV_OPTIONS).compile(schema);
}
