// Check stage: the compiled Ajv validator for the spec schema, built once per process on first use.
import { readFileSync } from 'node:fs';
import AjvModule, { type ValidateFunction } from 'ajv';

const Ajv = AjvModule as unknown as typeof AjvModule.default;
let cached: ValidateFunction | undefined;

export const SPEC_SCHEMA_URL = new URL('../../schemas/edgeml.schema.json', import.meta.url);

export function getSpecValidator(): ValidateFunction {
  if (!cached) {
    const schema = JSON.parse(readFileSync(SPEC_SCHEMA_URL, 'utf8'));
    // verbose: errors carry the failing schema and data, which the diagnostics need (descriptions, allowed keys).
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true });
    cached = ajv.compile(schema);
  }
  return cached;
}
