// Check stage, part 1: validates spec data against schemas/edgeml.schema.json with Ajv and turns every Ajv error
// into a positioned diagnostic (unknown keys with "did you mean", enums, types, formats), all at once.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemaMessages } from '../diagnostics/codes/schema.js';
import { bindMessages, type Reporter } from '../diagnostics/report.js';
import type { SpecPath } from '../ir/types.js';
import type { SpecDocument } from '../parse/load-spec.js';
import { describePath } from '../resolve/variables.js';
import { closest } from '../resolve/suggest.js';
import { getSpecValidator } from './spec-validator.js';

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
}

export function validateSpecSchema(spec: SpecDocument, value: unknown, reporter: Reporter): boolean {
  const validate: ValidateFunction = getSpecValidator();
  if (validate(value)) return true;
  const m = bindMessages(reporter, 'schema', schemaMessages);
  const errors = selectErrors(validate.errors ?? [], value);
  const seen = new Set<string>();
  for (const error of errors) {
    const path = toSpecPath(error.instancePath, value);
    const where = describePath(path);
    const parent = (error.parentSchema ?? {}) as SchemaNode;
    const key = `${error.keyword}\0${error.instancePath}\0${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    switch (error.keyword) {
      case 'additionalProperties': {
        const extra = String((error.params as { additionalProperty: string }).additionalProperty);
        const allowedKeys = Object.keys(parent.properties ?? {});
        m.unknownKey(
          { key: extra, where, suggestion: closest(extra, allowedKeys), allowed: allowedKeys.join(', ') },
          spec.locate([...path, extra], { key: true }),
        );
        break;
      }
      case 'required': {
        const missing = String((error.params as { missingProperty: string }).missingProperty);
        m.missingKey(
          { key: missing, where: path.length ? where : 'The spec', description: parent.properties?.[missing]?.description },
          spec.locate(path, { key: true }),
        );
        break;
      }
      case 'enum': {
        const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).filter(
          (v) => typeof v === 'string',
        ) as string[];
        const data = shownValue(error.data);
        m.badEnum({ value: data, where, allowed: allowed.join(', '), suggestion: closest(data, allowed) }, spec.locate(path));
        break;
      }
      case 'const':
        if (path.length === 1 && path[0] === 'edgeml') m.wrongVersion({ value: shownValue(error.data) }, spec.locate(path));
        else
          m.badEnum(
            {
              value: shownValue(error.data),
              where,
              allowed: String((error.params as { allowedValue: unknown }).allowedValue),
              suggestion: undefined,
            },
            spec.locate(path),
          );
        break;
      case 'type':
        m.wrongType(
          { where, expected: describeType((error.params as { type: string | string[] }).type), actual: describeValue(error.data) },
          spec.locate(path),
        );
        break;
      case 'pattern':
      case 'format':
        m.badFormat({ where, value: shownValue(error.data), description: parent.description }, spec.locate(path));
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const params = error.params as { comparison: string; limit: number };
        m.outOfRange({ where, value: shownValue(error.data), limit: `${params.comparison} ${params.limit}` }, spec.locate(path));
        break;
      }
      case 'minProperties':
      case 'maxProperties': {
        const options = Object.keys(parent.properties ?? {});
        const limit = (error.params as { limit: number }).limit;
        if (options.length > 0 && limit === 1) {
          const found = error.data && typeof error.data === 'object' ? Object.keys(error.data).join(' and ') : '';
          m.exactlyOne({ where, options: options.join(', '), found }, spec.locate(path));
        } else
          m.badLength(
            { where, limit: `${error.keyword === 'minProperties' ? 'at least' : 'at most'} ${limit} entr${limit === 1 ? 'y' : 'ies'}` },
            spec.locate(path),
          );
        break;
      }
      case 'minItems':
      case 'maxItems':
      case 'minLength':
      case 'maxLength': {
        const limit = (error.params as { limit: number }).limit;
        const unit = error.keyword.endsWith('Items') ? `item${limit === 1 ? '' : 's'}` : `character${limit === 1 ? '' : 's'}`;
        m.badLength({ where, limit: `${error.keyword.startsWith('min') ? 'at least' : 'at most'} ${limit} ${unit}` }, spec.locate(path));
        break;
      }
      case 'uniqueItems':
        m.duplicateItems({ where }, spec.locate(path));
        break;
      case 'oneOf':
      case 'anyOf':
        m.noneMatch({ where, description: parent.description ?? 'see the schema' }, spec.locate(path));
        break;
      default:
        m.schemaOther({ where, message: error.message ?? 'is invalid' }, spec.locate(path));
    }
  }
  return false;
}

/**
 * Ajv reports every failing branch of a oneOf. Keep the errors of the branch whose type matches the data
 * (the one the user meant); when no branch matches the type, keep the oneOf error alone. Drop `if` noise.
 */
function selectErrors(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword === 'if') drop.add(error);
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    const prefix = error.schemaPath + '/';
    // The same schema applies to every item of a list: match the instance too, not only the schema path.
    const within = (e: ErrorObject) => e.instancePath === error.instancePath || e.instancePath.startsWith(error.instancePath + '/');
    const branchErrors = errors.filter((e) => e !== error && e.schemaPath.startsWith(prefix) && within(e));
    const data = valueAt(root, error.instancePath);
    const branches = new Map<string, ErrorObject[]>();
    for (const e of branchErrors) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0];
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const schemas = (error.schema as SchemaNode[]) ?? [];
    const typed = [...branches.entries()].filter(([index]) => typeMatches(schemas[Number(index)], data));
    const keep = typed.length === 1 ? typed[0][1].filter((e) => !(e.keyword === 'type' && e.instancePath === error.instancePath)) : [];
    for (const e of branchErrors) if (!keep.includes(e)) drop.add(e);
    if (keep.length > 0) drop.add(error);
  }
  return errors.filter((e) => !drop.has(e));
}

function typeMatches(schema: SchemaNode | undefined, data: unknown): boolean {
  if (!schema) return false;
  if (schema.const !== undefined) return schema.const === data;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = Array.isArray(data) ? 'array' : data === null ? 'null' : typeof data;
  return types.some((t) => t === actual || (t === 'integer' && actual === 'number'));
}

function toSpecPath(instancePath: string, root: unknown): SpecPath {
  if (!instancePath) return [];
  const path: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function valueAt(root: unknown, instancePath: string): unknown {
  let node = root;
  for (const segment of toSpecPath(instancePath, root))
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
  return node;
}

function describeType(type: string | string[]): string {
  const names: Record<string, string> = {
    string: 'text',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'a map (key: value)',
    array: 'a list',
    null: 'empty',
  };
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => names[t] ?? t).join(' or ');
}

/**
 * A value as it appears in "'…' is not a valid value" messages. Maps and lists are named, not printed: the loader
 * makes maps without a prototype, which String() cannot convert, and their text would not help anyway.
 */
function shownValue(value: unknown): string {
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a map';
  return String(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `text '${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  return String(value);
}
