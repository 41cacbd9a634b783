// Static types and runtime values of edgeHub's condition language. edgeHub compiles a condition to a typed .NET
// expression: the static type of each part (not the runtime value) picks the operator. Routes stage.

/**
 * The static type edgeHub gives an expression. Properties are strings; `$body` paths are 'query' values whose real
 * type is only known at run time (edgeHub's QueryValue).
 */
export type StaticType = 'string' | 'number' | 'bool' | 'null' | 'undefined' | 'query';

/** A `$body` value at run time. A path that finds nothing is null (`missing` marks edgeHub's shared Null instance). */
export type QueryValue =
  | { t: 'none' }
  | { t: 'null'; missing?: boolean }
  | { t: 'bool'; v: boolean }
  | { t: 'number'; v: number }
  | { t: 'string'; v: string }
  | { t: 'object' };

/**
 * A runtime value. By static type: string → string | undefined; number → number (NaN means undefined);
 * bool → boolean | undefined; null → null; undefined → undefined; query → QueryValue.
 */
export type Value = string | number | boolean | null | undefined | QueryValue;

export const NONE: QueryValue = { t: 'none' };

/** Types that convert to a QueryValue (edgeHub's QueryValue.IsSupportedType). */
export function convertsToQuery(type: StaticType): boolean {
  return type === 'string' || type === 'number' || type === 'bool' || type === 'null';
}

/** Converts a value of static type `type` to a QueryValue, as edgeHub's implicit conversions do. */
export function toQuery(type: StaticType, value: Value): QueryValue {
  switch (type) {
    case 'query':
      return value as QueryValue;
    case 'string':
      return typeof value === 'string' ? { t: 'string', v: value } : NONE;
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value) ? { t: 'number', v: value } : NONE;
    case 'bool':
      return typeof value === 'boolean' ? { t: 'bool', v: value } : NONE;
    case 'null':
      return { t: 'null' };
    default:
      return NONE;
  }
}

/** edgeHub's Undefined.IsDefined for a value of static type `type` (null counts as defined). */
export function isDefinedValue(type: StaticType, value: Value): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'null':
      return true;
    case 'query':
      return (value as QueryValue).t !== 'none';
    default:
      return false;
  }
}

/** The final conversion of a condition to edgeHub's three-valued Bool: only a real `true` routes. */
export function toRouteBool(type: StaticType, value: Value): boolean | undefined {
  if (type === 'bool') return value as boolean | undefined;
  if (type === 'null') return false;
  if (type === 'query') {
    const q = value as QueryValue;
    return q.t === 'bool' ? q.v : undefined;
  }
  return undefined;
}

/** How a type is named in messages. */
export function typeName(type: StaticType): string {
  return type === 'query' ? '$body value' : type;
}
