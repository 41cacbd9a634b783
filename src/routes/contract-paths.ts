// Reads a `$body` path against a message contract (JSON Schema): can the path exist, can it be missing (optional
// field, index into a possibly shorter array, a nullable value), and what the contract says about the value there.
// Routes stage; used by the route checks in src/check/rules/route-*.ts. Pure.
import { followRef, schemaTypes, type JsonSchema, type JsonSchemaType } from '../runtime/contracts/json-schema.js';
import { schemaFields } from '../runtime/contracts/fields.js';
import type { PathSegment } from './json-path.js';

/** Why a path that can exist is not in every message. */
export type MissingReason =
  | { kind: 'optional'; field: string }
  | { kind: 'index'; array: string; index: number }
  | { kind: 'nullable'; field: string };

export type ContractPathLookup =
  /** The contract does not say (no schema, an open object, a combinator): anything may be there. */
  | { kind: 'unknown' }
  /** No message that follows the contract has this path; `segment` is the first segment that cannot exist. */
  | { kind: 'impossible'; segment: number; reason: string }
  | { kind: 'found'; schema: JsonSchema; missing: MissingReason[] };

const COMBINATORS = ['anyOf', 'oneOf', 'allOf'] as const;

export function lookupContractPath(root: JsonSchema, segments: readonly PathSegment[]): ContractPathLookup {
  let current: JsonSchema | undefined = root;
  let prefix = '';
  const missing: MissingReason[] = [];
  for (const [i, segment] of segments.entries()) {
    current = followRef(root, current);
    if (!current || COMBINATORS.some((k) => current![k] !== undefined)) return { kind: 'unknown' };
    const types = schemaTypes(current);
    if (types && !types.includes('object'))
      return { kind: 'impossible', segment: i, reason: `${prefix || 'the body'} is ${article(types)}, not an object` };
    const field = prefix ? `${prefix}.${segment.name}` : segment.name;
    let child: JsonSchema | undefined;
    if (current.properties && Object.hasOwn(current.properties, segment.name)) {
      child = current.properties[segment.name];
      if (!(current.required ?? []).includes(segment.name)) missing.push({ kind: 'optional', field });
    } else if (current.additionalProperties === false) {
      return { kind: 'impossible', segment: i, reason: `${prefix ? `'${prefix}'` : 'the body'} has no field '${segment.name}'` };
    } else if (typeof current.additionalProperties === 'object') {
      child = current.additionalProperties;
      missing.push({ kind: 'optional', field });
    } else {
      return { kind: 'unknown' };
    }
    prefix = field;
    if (segment.index !== undefined) {
      const array = followRef(root, child ?? {});
      if (!array || COMBINATORS.some((k) => array[k] !== undefined)) return { kind: 'unknown' };
      const arrayTypes = schemaTypes(array);
      if (arrayTypes && !arrayTypes.includes('array'))
        return { kind: 'impossible', segment: i, reason: `'${field}' is ${article(arrayTypes)}, not an array` };
      if (array.maxItems !== undefined && segment.index >= array.maxItems) {
        return {
          kind: 'impossible',
          segment: i,
          reason: `'${field}' holds at most ${array.maxItems} item${array.maxItems === 1 ? '' : 's'}`,
        };
      }
      if (!(array.minItems !== undefined && array.minItems > segment.index))
        missing.push({ kind: 'index', array: field, index: segment.index });
      if (array.items === undefined) return { kind: 'unknown' };
      child = array.items;
      prefix = `${field}[${segment.index}]`;
    }
    current = child;
  }
  const leaf = followRef(root, current ?? {});
  if (!leaf) return { kind: 'unknown' };
  if (schemaTypes(leaf)?.includes('null')) missing.push({ kind: 'nullable', field: prefix });
  return { kind: 'found', schema: leaf, missing };
}

/** Every path a message following the contract can have, written as in conditions (`predictions[0].probability`). */
export function contractPaths(root: JsonSchema): string[] {
  return schemaFields(root).map((f) => f.path.replace(/\[i\]/g, '[0]'));
}

/** Paths that hold a plain value (what a condition can compare), for listing in hints. */
export function contractValuePaths(root: JsonSchema): string[] {
  return schemaFields(root)
    .filter((f) => f.type !== 'object' && f.type !== 'array' && f.constraint !== 'date-time')
    .map((f) => f.path.replace(/\[i\]/g, '[0]'));
}

/** How edgeHub sees the value at a found path: a plain value, or something its queries read as undefined. */
export function unreadableValue(schema: JsonSchema): 'object' | 'array' | 'date' | undefined {
  const types = schemaTypes(schema);
  if (types && types.length > 0 && types.every((t) => t === 'object')) return 'object';
  if (types && types.length > 0 && types.every((t) => t === 'array')) return 'array';
  // Json.NET parses ISO 8601 strings in a body as dates, which edgeHub's queries read as undefined.
  if (schema.format === 'date-time' && types?.every((t) => t === 'string')) return 'date';
  return undefined;
}

/** The JSON types a value at the path can have, as edgeHub's query types: number (and integer), string, bool. */
export function queryTypes(schema: JsonSchema): ('number' | 'string' | 'bool' | 'null')[] | undefined {
  const types = schemaTypes(schema);
  if (!types) return undefined;
  const map: Partial<Record<JsonSchemaType, 'number' | 'string' | 'bool' | 'null'>> = {
    number: 'number',
    integer: 'number',
    string: 'string',
    boolean: 'bool',
    null: 'null',
  };
  return [...new Set(types.map((t) => map[t]).filter((t): t is 'number' | 'string' | 'bool' | 'null' => t !== undefined))];
}

/** Why a path may be missing, in words, e.g. "predictions is empty". */
export function describeMissing(reason: MissingReason): string {
  switch (reason.kind) {
    case 'optional':
      return `'${reason.field}' is absent`;
    case 'index':
      return reason.index === 0
        ? `'${reason.array}' is empty`
        : `'${reason.array}' has ${reason.index} item${reason.index === 1 ? '' : 's'} or fewer`;
    case 'nullable':
      return `'${reason.field}' is null`;
  }
}

function article(types: readonly string[]): string {
  const name = types.join(' or ');
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
