// Flattens a message contract into one row per field (path, type, always present or not, range, description), for
// the generated README's field tables and for "did you mean" suggestions. Runtime stage (contracts), pure.
import { followRef, schemaTypes, type JsonSchema } from './json-schema.js';

export interface SchemaField {
  /** `$body` path with `[i]` for array elements, e.g. `predictions[i].probability`. */
  path: string;
  /** JSON types, e.g. 'number' or 'string | null'; 'any' when the contract does not say. */
  type: string;
  /** True when every message has it (required all the way down, and not inside an array element). */
  always: boolean;
  /** e.g. '0..1', '>= 0', 'date-time', "one of 'a', 'b'". */
  constraint?: string;
  description?: string;
}

const MAX_DEPTH = 12;

export function schemaFields(root: JsonSchema): SchemaField[] {
  const fields: SchemaField[] = [];
  const walk = (schema: JsonSchema, prefix: string, always: boolean, depth: number): void => {
    const resolved = followRef(root, schema);
    if (!resolved || depth > MAX_DEPTH) return;
    for (const [name, child] of Object.entries(resolved.properties ?? {})) {
      const field = followRef(root, child);
      if (!field) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      const present = always && (resolved.required ?? []).includes(name);
      const constraint = describeConstraint(field);
      fields.push({
        path,
        type: (schemaTypes(field) ?? ['any']).join(' | '),
        always: present,
        ...(constraint ? { constraint } : {}),
        ...(field.description ? { description: field.description } : {}),
      });
      walk(field, path, present, depth + 1);
      if (field.items) walk(field.items, `${path}[i]`, false, depth + 1);
    }
  };
  walk(root, '', true, 0);
  return fields;
}

function describeConstraint(schema: JsonSchema): string | undefined {
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  if (schema.enum) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.const !== undefined) return `always ${JSON.stringify(schema.const)}`;
  if (schema.format) return schema.format;
  if (low !== undefined && high !== undefined) return `${low}..${high}`;
  if (low !== undefined) return `${schema.exclusiveMinimum !== undefined ? '>' : '>='} ${low}`;
  if (high !== undefined) return `${schema.exclusiveMaximum !== undefined ? '<' : '<='} ${high}`;
  if (schema.type === 'array') return schema.minItems ? `at least ${schema.minItems} item(s)` : 'may be empty';
  return undefined;
}
