// The subset of JSON Schema (draft-07) that message contracts use, as a type. Contracts are plain JSON data, so
// module runtime code, tests (with ajv) and the compiler (checks, renderers) all read the same objects.
// Runtime stage (contracts): imports nothing, so it can be copied into module images and imported by the compiler.

export type JsonSchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
  examples?: unknown[];
}

export const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * Follows a local `$ref` (`#/definitions/x`, `#/$defs/x`, any `#/…` pointer into `root`); undefined for a reference
 * that leads nowhere or outside the document. Depth-limited, so a cycle of references ends.
 */
export function followRef(root: JsonSchema, schema: JsonSchema): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (let hops = 0; current?.$ref !== undefined; hops++) {
    if (hops >= 32 || !current.$ref.startsWith('#')) return undefined;
    current = pointer(root, current.$ref.slice(1));
  }
  return current;
}

function pointer(root: unknown, path: string): JsonSchema | undefined {
  let current: unknown = root;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'object' && current !== null ? (current as JsonSchema) : undefined;
}

/** The types a schema allows; undefined when it does not say (anything goes). */
export function schemaTypes(schema: JsonSchema): JsonSchemaType[] | undefined {
  if (schema.type === undefined) {
    if (schema.const !== undefined) return [jsonTypeOf(schema.const)];
    if (schema.enum) return [...new Set(schema.enum.map(jsonTypeOf))];
    return undefined;
  }
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function jsonTypeOf(value: unknown): JsonSchemaType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  return typeof value === 'string' ? 'string' : 'object';
}
