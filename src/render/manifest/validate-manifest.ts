// Checks a rendered deployment manifest before it is written (render stage): the official SchemaStore schemas for
// $edgeAgent / $edgeHub 1.1 (vendored in schemas/vendor/, draft-04) and IoT Hub's size and module-count limits.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { packagePath } from '../../package-root.js';
import agentValidator from './agent-schema.generated.js';
import hubValidator from './hub-schema.generated.js';
import { MANIFEST_SCHEMA_FILES, stripTrailingCommas } from './manifest-schema-files.js';

export { MANIFEST_SCHEMA_FILES, stripTrailingCommas };

/** IoT Hub: desired properties of one module twin, as serialized JSON. */
export const MAX_DESIRED_PROPERTIES_BYTES = 32 * 1024;
/** IoT Edge: modules per deployment besides edgeAgent and edgeHub. */
export const MAX_MODULES = 50;
/** IoT Hub twin rules: nesting depth of desired properties, key length (bytes) and string value length (bytes). */
export const MAX_TWIN_DEPTH = 10;
export const MAX_TWIN_KEY_BYTES = 1024;
export const MAX_TWIN_STRING_BYTES = 4 * 1024;

export type ManifestProblem =
  | { kind: 'schema'; schema: string; pointer: string; problem: string }
  | { kind: 'desired-too-large'; twin: string; size: number; limit: number }
  | { kind: 'too-many-modules'; count: number; limit: number }
  | { kind: 'twin-array'; module: string; key: string }
  | { kind: 'twin-rule'; module: string; key: string; rule: string };

// The build precompiles both schemas (schemas/src/build-validator.mjs): compiling them costs ~50 ms per command.
const precompiled = { agent: agentValidator, hub: hubValidator };

let validators: { agent: ValidateFunction; hub: ValidateFunction } | undefined;

/** Compiles the vendored schemas at run time (what tests compare the build against). They ship with edgeml. */
export function compileManifestValidators(): { agent: ValidateFunction; hub: ValidateFunction } {
  if (validators) return validators;
  const require = createRequire(import.meta.url);
  // ajv-draft-04 is CommonJS; its default export is the Ajv class.
  const Ajv04 = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
  // strict: false because the files use later annotation keywords (examples, contentMediaType).
  const ajv = new Ajv04({ allErrors: true, strict: false });
  const load = (file: string) => ajv.compile(JSON.parse(stripTrailingCommas(readFileSync(packagePath('schemas', 'vendor', file), 'utf8'))));
  validators = { agent: load(MANIFEST_SCHEMA_FILES.agent), hub: load(MANIFEST_SCHEMA_FILES.hub) };
  return validators;
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `unexpected property '${String(params.additionalProperty)}'`;
  if (error.keyword === 'required') return `missing property '${String(params.missingProperty)}'`;
  if (error.keyword === 'enum') return `${error.message} (${(params.allowedValues as unknown[]).map(String).join(', ')})`;
  return error.message ?? error.keyword;
}

/** Most specific first: deeper pointers usually name the actual mistake; anyOf summaries add nothing. */
function schemaProblems(schema: string, errors: readonly ErrorObject[] | null | undefined): ManifestProblem[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if')
    .sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length || a.instancePath.localeCompare(b.instancePath))
    .slice(0, 5)
    .map((e) => ({ kind: 'schema', schema, pointer: e.instancePath || '/', problem: describeError(e) }));
}

/** IoT Hub rejects twin keys holding '.', '$', a space or a control character. */
const BAD_TWIN_KEY = /[.$ \u0000-\u001f\u007f]/;

/**
 * Checks a module twin's desired properties against IoT Hub's twin rules (keys, depth, string size), which the
 * official schemas do not encode. Arrays are reported separately, as a warning: IoT Hub's docs forbid them but
 * newer API versions accept them.
 */
function checkTwin(module: string, desired: unknown): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (Array.isArray(value)) {
      problems.push({ kind: 'twin-array', module, key: path });
      return;
    }
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_TWIN_STRING_BYTES) {
      problems.push({ kind: 'twin-rule', module, key: path, rule: `its string value is longer than ${MAX_TWIN_STRING_BYTES} bytes` });
    }
    if (value === null || typeof value !== 'object') return;
    if (depth > MAX_TWIN_DEPTH) {
      problems.push({ kind: 'twin-rule', module, key: path, rule: `it nests deeper than ${MAX_TWIN_DEPTH} levels` });
      return;
    }
    for (const [key, member] of Object.entries(value)) {
      const child = path ? `${path}.${key}` : key;
      if (BAD_TWIN_KEY.test(key))
        problems.push({ kind: 'twin-rule', module, key: child, rule: "its key contains '.', '$', a space or a control character" });
      else if (Buffer.byteLength(key, 'utf8') > MAX_TWIN_KEY_BYTES)
        problems.push({ kind: 'twin-rule', module, key: child, rule: `its key is longer than ${MAX_TWIN_KEY_BYTES} bytes` });
      visit(member, child, depth + 1);
    }
  };
  visit(desired, '', 1);
  return problems;
}

/**
 * Validates full (non-layered) modulesContent. `$edgeAgent` plus module twins go to the agent schema and `$edgeHub`
 * to the hub schema, because each schema rejects the other's system module.
 */
export function validateModulesContent(modulesContent: Record<string, Record<string, unknown>>): ManifestProblem[] {
  const { agent, hub } = precompiled;
  const problems: ManifestProblem[] = [];
  const { $edgeHub, ...agentPart } = modulesContent;
  if (!agent(agentPart)) problems.push(...schemaProblems(MANIFEST_SCHEMA_FILES.agent, agent.errors));
  if (!hub({ $edgeHub })) problems.push(...schemaProblems(MANIFEST_SCHEMA_FILES.hub, hub.errors));

  for (const [twin, section] of Object.entries(modulesContent)) {
    const desired = section['properties.desired'];
    const size = Buffer.byteLength(JSON.stringify(desired ?? {}), 'utf8');
    if (size > MAX_DESIRED_PROPERTIES_BYTES) problems.push({ kind: 'desired-too-large', twin, size, limit: MAX_DESIRED_PROPERTIES_BYTES });
    if (!twin.startsWith('$')) problems.push(...checkTwin(twin, desired));
  }

  const modules = ($edgeAgent(modulesContent)?.modules ?? {}) as Record<string, unknown>;
  const count = Object.keys(modules).length;
  if (count > MAX_MODULES) problems.push({ kind: 'too-many-modules', count, limit: MAX_MODULES });
  return problems;
}

function $edgeAgent(modulesContent: Record<string, Record<string, unknown>>): Record<string, unknown> | undefined {
  return modulesContent.$edgeAgent?.['properties.desired'] as Record<string, unknown> | undefined;
}
