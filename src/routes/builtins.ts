// edgeHub's built-in condition functions as a table: each overload lists its parameter types, whether arguments
// are passed as $body-style query values, its result type and what it computes. Routes stage.
import { convertsToQuery, type QueryValue, type StaticType, type Value } from './values.js';

export type Parameters =
  | { kind: 'fixed'; types: StaticType[] }
  /** At least `types.length - 1` arguments; the last type repeats (edgeHub's VarArgs). */
  | { kind: 'var'; types: StaticType[] }
  /** Any `count` arguments (edgeHub's AnyArgs). */
  | { kind: 'any'; count: number };

export interface Overload {
  params: Parameters;
  /** When true, every argument is converted to a QueryValue before `run` (edgeHub's IsQueryValueSupported). */
  queryArgs: boolean;
  returns: StaticType;
  run: (args: Value[]) => Value;
}

export interface Builtin {
  /** Lowercase name; edgeHub looks names up case-insensitively. */
  name: string;
  /** How the function is written in messages, e.g. 'substring(string, number[, number])'. */
  signature: string;
  overloads: Overload[];
  /** Only valid for routes from /twinChangeNotifications; its argument is a twin path, not an expression. */
  twinChangeOnly?: boolean;
}

const fixed = (...types: StaticType[]): Parameters => ({ kind: 'fixed', types });
const q = (value: Value) => value as QueryValue;
const num = (value: Value) => (q(value).t === 'number' ? (q(value) as { v: number }).v : undefined);
const str = (value: Value) => (q(value).t === 'string' ? (q(value) as { v: string }).v : undefined);

/** A math function of numbers: undefined (NaN) unless every argument is a number. */
function math(name: string, arity: number, compute: (...xs: number[]) => number): Builtin {
  const params = Array<StaticType>(arity).fill('number');
  return {
    name,
    signature: `${name}(${params.join(', ')})`,
    overloads: [
      {
        params: fixed(...params),
        queryArgs: true,
        returns: 'number',
        run: (args) => {
          const xs = args.map(num);
          return xs.every((x): x is number => x !== undefined) ? compute(...xs) : NaN;
        },
      },
    ],
  };
}

/** A string function of strings: undefined unless every argument is a string. */
function strings(name: string, arity: number, returns: StaticType, compute: (...xs: string[]) => Value): Builtin {
  const params = Array<StaticType>(arity).fill('string');
  return {
    name,
    signature: `${name}(${params.join(', ')})`,
    overloads: [
      {
        params: fixed(...params),
        queryArgs: true,
        returns,
        run: (args) => {
          const xs = args.map(str);
          return xs.every((x): x is string => x !== undefined) ? compute(...xs) : returns === 'number' ? NaN : undefined;
        },
      },
    ],
  };
}

/**
 * is_bool / is_number / is_string: true when a query-converted argument has that runtime type, else false.
 * edgeHub's is_number is false for infinities (is_number(3 / 0) is false).
 */
function typeTest(name: string, type: 'bool' | 'number' | 'string'): Builtin {
  return {
    name,
    signature: `${name}(value)`,
    overloads: [
      {
        params: fixed(type),
        queryArgs: true,
        returns: 'bool',
        run: ([a]) => q(a).t === type && (type !== 'number' || Number.isFinite(num(a))),
      },
      { params: { kind: 'any', count: 1 }, queryArgs: false, returns: 'bool', run: () => false },
    ],
  };
}

/** C#'s (int) cast of a double: truncation toward zero. */
const toInt = (x: number) => Math.trunc(x);

const BUILTIN_LIST: Builtin[] = [
  math('abs', 1, Math.abs),
  math('exp', 1, Math.exp),
  math('power', 2, Math.pow),
  math('square', 1, (x) => x * x),
  math('ceiling', 1, Math.ceil),
  math('floor', 1, Math.floor),
  math('sign', 1, (x) => Math.sign(x)),
  math('sqrt', 1, Math.sqrt),
  {
    name: 'as_number',
    signature: 'as_number(string)',
    overloads: [
      {
        params: fixed('string'),
        queryArgs: true,
        returns: 'number',
        run: ([a]) => {
          const value = q(a);
          if (value.t === 'number') return value.v;
          return value.t === 'string' ? parseDotNetNumber(value.v) : NaN;
        },
      },
      { params: fixed('number'), queryArgs: false, returns: 'number', run: ([a]) => a },
    ],
  },
  typeTest('is_bool', 'bool'),
  {
    name: 'is_defined',
    signature: 'is_defined(value)',
    overloads: [
      { params: fixed('string'), queryArgs: false, returns: 'bool', run: ([a]) => typeof a === 'string' },
      { params: fixed('number'), queryArgs: false, returns: 'bool', run: ([a]) => typeof a === 'number' && !Number.isNaN(a) },
      { params: fixed('bool'), queryArgs: false, returns: 'bool', run: ([a]) => typeof a === 'boolean' },
      { params: fixed('undefined'), queryArgs: false, returns: 'bool', run: () => false },
      { params: fixed('null'), queryArgs: false, returns: 'bool', run: () => true },
      { params: fixed('query'), queryArgs: false, returns: 'bool', run: ([a]) => q(a).t !== 'none' },
    ],
  },
  {
    name: 'is_null',
    signature: 'is_null(value)',
    overloads: [
      // A property value is never .NET null, so is_null of a property is false.
      { params: fixed('string'), queryArgs: false, returns: 'bool', run: () => false },
      {
        params: fixed('query'),
        queryArgs: false,
        returns: 'bool',
        // edgeHub compares with its shared Null instance by reference and inverts the test: it is false only for a
        // path that found nothing, and true for any value present (JSON null included). Kept as the runtime does it.
        run: ([a]) => {
          const value = q(a);
          if (value.t === 'none') return undefined;
          return !(value.t === 'null' && value.missing === true);
        },
      },
      { params: fixed('null'), queryArgs: false, returns: 'bool', run: () => true },
      { params: { kind: 'any', count: 1 }, queryArgs: false, returns: 'bool', run: () => false },
    ],
  },
  typeTest('is_number', 'number'),
  typeTest('is_string', 'string'),
  {
    name: 'concat',
    signature: 'concat(string, string, ...)',
    overloads: [
      {
        params: { kind: 'var', types: ['string', 'string', 'string'] },
        queryArgs: true,
        returns: 'string',
        run: (args) => {
          const xs = args.map(str);
          return xs.every((x) => x !== undefined) ? xs.join('') : undefined;
        },
      },
    ],
  },
  strings('length', 1, 'number', (s) => s.length),
  strings('lower', 1, 'string', (s) => s.toLowerCase()),
  strings('upper', 1, 'string', (s) => s.toUpperCase()),
  {
    name: 'substring',
    signature: 'substring(string, number[, number])',
    overloads: [
      {
        params: fixed('string', 'number'),
        queryArgs: true,
        returns: 'string',
        run: ([a, b]) => {
          const s = str(a);
          const start = num(b);
          if (s === undefined || start === undefined || start > s.length || start < 0) return undefined;
          return s.substring(toInt(start));
        },
      },
      {
        params: fixed('string', 'number', 'number'),
        queryArgs: true,
        returns: 'string',
        run: ([a, b, c]) => {
          const s = str(a);
          const start = num(b);
          const length = num(c);
          if (s === undefined || start === undefined || length === undefined) return undefined;
          if (start >= s.length || start < 0 || length < 0 || length > s.length - start) return undefined;
          return s.substr(toInt(start), toInt(length));
        },
      },
    ],
  },
  strings('index_of', 2, 'number', (s, fragment) => s.indexOf(fragment)),
  strings('starts_with', 2, 'bool', (s, fragment) => s.startsWith(fragment)),
  strings('ends_with', 2, 'bool', (s, fragment) => s.endsWith(fragment)),
  strings('contains', 2, 'bool', (s, fragment) => s.includes(fragment)),
  {
    name: 'twin_change_includes',
    signature: 'twin_change_includes(properties.reported.<path>)',
    twinChangeOnly: true,
    // Evaluated specially: the argument text is a twin path, read from the notification body.
    overloads: [],
  },
];

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(BUILTIN_LIST.map((b) => [b.name, b]));

/** Looks a function up the way edgeHub does: case-insensitively. */
export function getBuiltin(name: string): Builtin | undefined {
  return BUILTINS.get(name.toLowerCase());
}

/** Picks the first overload whose parameters accept `given` (edgeHub's Builtin.Get). */
export function selectOverload(builtin: Builtin, given: StaticType[]): Overload | undefined {
  return builtin.overloads.find((o) => paramsMatch(o.params, given, o.queryArgs));
}

/** Whether some overload takes this many arguments, to tell an arity error from a type error. */
export function acceptsArity(builtin: Builtin, count: number): boolean {
  return builtin.overloads.some((o) =>
    o.params.kind === 'fixed'
      ? o.params.types.length === count
      : o.params.kind === 'var'
        ? count >= o.params.types.length - 1
        : o.params.count === count,
  );
}

function paramsMatch(params: Parameters, given: StaticType[], matchQuery: boolean): boolean {
  if (params.kind === 'any') return given.length === params.count;
  if (params.kind === 'var') {
    const fixedCount = params.types.length - 1;
    const repeated = params.types[fixedCount]!;
    return (
      given.length >= fixedCount &&
      given.every((g, i) => {
        const expected = i < fixedCount ? params.types[i]! : repeated;
        return g === expected || (matchQuery && g === 'query');
      })
    );
  }
  return params.types.length === given.length && params.types.every((t, i) => typeMatches(t, given[i]!, matchQuery));
}

/** edgeHub's Args.Match for one argument: equal types, or a query value on one side and a convertible type. */
export function typeMatches(expected: StaticType, given: StaticType, matchQuery: boolean): boolean {
  if (expected === given) return true;
  if (!matchQuery) return false;
  return (given === 'query' && convertsToQuery(expected)) || (expected === 'query' && convertsToQuery(given));
}

/**
 * .NET's double.TryParse(s, NumberStyles.Any, InvariantCulture) for the inputs that matter: surrounding spaces,
 * a sign, thousands separators, a decimal point, an exponent, and (n) for negative. Anything else is NaN.
 */
export function parseDotNetNumber(text: string): number {
  let s = text.trim();
  let negate = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negate = true;
    s = s.slice(1, -1).trim();
  }
  if (!/^[+-]?(?:[0-9][0-9,]*)?(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?$/.test(s) || !/[0-9]/.test(s)) return NaN;
  const value = Number(s.replace(/,/g, ''));
  return negate ? -value : value;
}
