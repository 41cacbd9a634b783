// Compiles message contracts (JSON Schema draft-07) with ajv and checks message bodies against them: used by the
// resolve stage (a contract file must be a schema ajv accepts) and by `edgeml run` (every message is checked against
// its source output's contract). Compiler side: module images carry the contracts as data, never ajv.
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from '../runtime/contracts/index.js';

export type BodyValidator = (body: unknown) => string[];

let ajv: import('ajv').default | undefined;

function instance(): import('ajv').default {
  if (ajv) return ajv;
  const require = createRequire(import.meta.url);
  // ajv and ajv-formats are CommonJS; their default exports are the class and the plugin.
  const Ajv = require('ajv') as typeof import('ajv').default;
  const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
  // strict: false lets user contracts carry annotations ajv does not know (x-… fields, examples, contentMediaType).
  ajv = new Ajv({ allErrors: true, strict: false, validateSchema: true });
  addFormats(ajv);
  return ajv;
}

/** Compiles `schema`; throws an Error naming the first problem when it is not a valid draft-07 schema. */
export function compileContract(schema: JsonSchema): BodyValidator {
  const copy = structuredClone(schema) as Record<string, unknown>;
  // Every contract is compiled on its own: an $id must not clash with one compiled before.
  delete copy.$id;
  let validate: ValidateFunction;
  try {
    validate = instance().compile(copy);
  } catch (error) {
    throw new Error((error as Error).message);
  }
  return (body) => (validate(body) ? [] : describeErrors(validate.errors));
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 5).map((e) => {
    const at = e.instancePath
      ? e.instancePath
          .slice(1)
          .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
          .replace(/\//g, '.')
      : '(body)';
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') return `${at}: unexpected field '${String(params.additionalProperty)}'`;
    if (e.keyword === 'required') return `${at}: missing field '${String(params.missingProperty)}'`;
    return `${at}: ${e.message ?? e.keyword}`;
  });
}
