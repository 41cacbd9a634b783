// Evaluates a parsed condition against a message with edgeHub's runtime semantics: string properties,
// `$body` queries only for JSON bodies with a supported encoding, three-valued logic where undefined never routes.
// Routes stage; used by the local runner (`edgeml run`) to route messages between modules.
import type { BinaryExpr, CallExpr, Expr, SysPropertyExpr } from './ast.js';
import { lookupJsonPath, type PathSegment } from './json-path.js';
import { typeCondition, type Typing } from './static-types.js';
import { isDefinedValue, NONE, toQuery, toRouteBool, type QueryValue, type StaticType, type Value } from './values.js';

/** A message as the router sees it. Property names are matched case-insensitively, as edgeHub does. */
export interface RouteMessage {
  systemProperties: Record<string, string>;
  properties: Record<string, string>;
  /** Raw bytes, or text that is already decoded. */
  body?: Uint8Array | string;
}

const BODY_ENCODINGS: Record<string, 'utf-8' | 'utf-16le' | 'utf-32le'> = {
  'utf-8': 'utf-8',
  'utf-16': 'utf-16le',
  'utf-32': 'utf-32le',
};

/**
 * True when edgeHub would route `message` on a route with this condition. Undefined and null results do not route.
 * A condition edgeHub's compiler rejects (see checkCondition) never routes here either.
 */
export function evaluateCondition(expr: Expr, message: RouteMessage): boolean {
  return evaluateConditionResult(expr, message) === true;
}

/**
 * The three-valued result edgeHub computes: true, false, or undefined (logged by edgeHub as an undefined route
 * evaluation). Useful to explain why a message was not routed. A condition edgeHub rejects gives undefined.
 */
export function evaluateConditionResult(expr: Expr, message: RouteMessage, options: EvaluateOptions = {}): boolean | undefined {
  const twinChange = lookup(message.systemProperties, 'messageType')?.toLowerCase() === 'twinchangenotification';
  const typing = typeCondition(expr, twinChange ? 'twinChangeNotifications' : 'messages');
  if (typing.problems.length > 0) return undefined;
  const evaluator = new Evaluator(typing, message, options);
  return toRouteBool(typing.types.get(expr)!, evaluator.evaluate(expr));
}

export interface EvaluateOptions {
  /**
   * Not edgeHub: compare a null `$body` value (a missing field or JSON null) with a bool, number or string as
   * undefined instead of by type order. `edgeml run` evaluates a matching route again this way to tell which
   * messages matched only because of edgeHub's null ordering.
   */
  nullComparisonsUndefined?: boolean;
}

/**
 * True when the condition routes the message only because a null `$body` value compared above a bool, number or
 * string (edgeHub's type order): it is true as edgeHub evaluates it, and not when such comparisons are undefined.
 */
export function matchesOnlyByNullOrdering(expr: Expr, message: RouteMessage): boolean {
  return (
    evaluateConditionResult(expr, message) === true && evaluateConditionResult(expr, message, { nullComparisonsUndefined: true }) !== true
  );
}

/** Case-insensitive lookup, as edgeHub's property dictionaries use OrdinalIgnoreCase. */
function lookup(bag: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(bag, name)) return bag[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(bag)) if (key.toLowerCase() === lower) return bag[key];
  return undefined;
}

class Evaluator {
  private parsedBody: { ok: true; root: unknown } | { ok: false } | undefined;

  constructor(
    private readonly typing: Typing,
    private readonly message: RouteMessage,
    private readonly options: EvaluateOptions = {},
  ) {}

  private typeOf(node: Expr): StaticType {
    return this.typing.types.get(node) ?? 'undefined';
  }

  evaluate(node: Expr): Value {
    const type = this.typeOf(node);
    if (type === 'undefined' && node.kind !== 'binary') return undefined;
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'property':
        return lookup(this.message.properties, node.name);
      case 'sysProperty':
        return this.sysProperty(node, type);
      case 'group':
        return this.evaluate(node.expr);
      case 'call':
        return this.call(node);
      case 'unary': {
        const operand = this.evaluate(node.operand);
        if (node.op === '-') return -(operand as number);
        const operandType = this.typeOf(node.operand);
        if (operandType === 'null') return true;
        if (operandType === 'query') {
          const q = operand as QueryValue;
          return q.t === 'bool' ? !q.v : undefined;
        }
        return operand === undefined ? undefined : !operand;
      }
      case 'binary':
        return this.binary(node, type);
    }
  }

  private sysProperty(node: SysPropertyExpr, type: StaticType): Value {
    const path = this.typing.bodyPaths.get(node);
    if (type === 'query' && path) {
      // An application property literally named `$body.x` wins over the body query, unless escaped as {$body.x}.
      const hasBrackets = node.name.includes('[') || node.name.includes(']');
      const app = node.escaped || hasBrackets ? undefined : lookup(this.message.properties, node.name);
      return app !== undefined ? toQuery('string', app) : this.bodyQuery(path);
    }
    const app = node.escaped ? undefined : lookup(this.message.properties, node.name);
    return app ?? lookup(this.message.systemProperties, node.name.slice(1));
  }

  private call(node: CallExpr): Value {
    const twinPath = this.typing.twinPaths.get(node);
    if (twinPath) {
      // twin_change_includes: false when the path is absent, undefined when the body cannot be read, else true.
      const found = this.readBody(twinPath);
      if (found.t === 'none') return undefined;
      return !(found.t === 'null' && found.missing === true);
    }
    const overload = this.typing.overloads.get(node)!;
    const args = node.args.map((arg) => {
      const value = this.evaluate(arg);
      return overload.queryArgs ? toQuery(this.typeOf(arg), value) : value;
    });
    return overload.run(args);
  }

  private binary(node: BinaryExpr, type: StaticType): Value {
    const leftType = this.typeOf(node.left);
    const rightType = this.typeOf(node.right);
    if (node.op === '??') {
      if (leftType === 'undefined') return this.evaluate(node.right);
      const left = this.evaluate(node.left);
      if (isDefinedValue(leftType, left)) return type === 'query' ? toQuery(leftType, left) : left;
      const right = this.evaluate(node.right);
      return type === 'query' ? toQuery(rightType, right) : right;
    }
    if (type === 'undefined') return undefined;
    const left = this.evaluate(node.left);
    const right = this.evaluate(node.right);
    const anyQuery = leftType === 'query' || rightType === 'query';
    switch (node.op) {
      case '*':
      case '/':
      case '%':
      case '+':
      case '-':
        return anyQuery
          ? queryArithmetic(node.op, toQuery(leftType, left), toQuery(rightType, right))
          : arithmetic(node.op, left as number, right as number);
      case '||':
        return concatValues(toQuery(leftType, left), toQuery(rightType, right));
      case 'AND':
      case 'OR':
        return anyQuery
          ? queryLogic(node.op, toQuery(leftType, left), toQuery(rightType, right))
          : logic(node.op, leftType, left, rightType, right);
      default: {
        if (anyQuery && this.options.nullComparisonsUndefined && nullAgainstValue(toQuery(leftType, left), toQuery(rightType, right)))
          return undefined;
        const order = anyQuery ? compareQuery(toQuery(leftType, left), toQuery(rightType, right)) : compareTyped(leftType, left, right);
        return order === undefined ? undefined : applyComparison(node.op, order);
      }
    }
  }

  private bodyQuery(path: PathSegment[]): QueryValue {
    const value = this.readBody(path);
    // A body query that reaches an object or array is undefined.
    return value.t === 'object' ? NONE : value;
  }

  /**
   * Reads `path` from the JSON body; 'none' when the body is not a JSON object with contentType application/json and
   * a utf-8/16/32 contentEncoding. The routing core applies this to every body read, twin notifications included.
   */
  private readBody(path: PathSegment[]): QueryValue {
    this.parsedBody ??= this.parseBody();
    if (!this.parsedBody.ok) return NONE;
    const found = lookupJsonPath(this.parsedBody.root, path);
    if (!found.found) return { t: 'null', missing: true };
    if ('object' in found) return { t: 'object' };
    const v = found.value;
    if (v === null) return { t: 'null' };
    if (typeof v === 'boolean') return { t: 'bool', v };
    if (typeof v === 'number') return { t: 'number', v };
    return { t: 'string', v };
  }

  private parseBody(): { ok: true; root: unknown } | { ok: false } {
    const system = this.message.systemProperties;
    const encodingName = lookup(system, 'contentEncoding');
    const encoding = encodingName === undefined ? undefined : BODY_ENCODINGS[encodingName.toLowerCase()];
    const contentType = lookup(system, 'contentType');
    if (!encoding || contentType?.toLowerCase() !== 'application/json') return { ok: false };
    const body = this.message.body;
    if (body === undefined) return { ok: false };
    try {
      const text = typeof body === 'string' ? body : decode(body, encoding);
      const root: unknown = JSON.parse(text);
      // edgeHub parses the body as a JSON object; arrays and scalars fail.
      return typeof root === 'object' && root !== null && !Array.isArray(root) ? { ok: true, root } : { ok: false };
    } catch {
      return { ok: false };
    }
  }
}

function decode(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-32le'): string {
  if (encoding !== 'utf-32le') return new TextDecoder(encoding).decode(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  for (let i = 0; i + 4 <= bytes.byteLength; i += 4) text += String.fromCodePoint(view.getUint32(i, true));
  return text;
}

function arithmetic(op: string, a: number, b: number): number {
  switch (op) {
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '+':
      return a + b;
    default:
      return a - b;
  }
}

function queryArithmetic(op: string, a: QueryValue, b: QueryValue): QueryValue {
  if (a.t !== 'number' || b.t !== 'number') return NONE;
  return { t: 'number', v: arithmetic(op, a.v, b.v) };
}

function concatValues(a: QueryValue, b: QueryValue): Value {
  return a.t === 'string' && b.t === 'string' ? a.v + b.v : undefined;
}

/** Kleene logic over true/false/undefined, with edgeHub's rules for null operands. */
function logic(op: 'AND' | 'OR', leftType: StaticType, left: Value, rightType: StaticType, right: Value): Value {
  const a = left as boolean | undefined;
  const b = right as boolean | undefined;
  if (op === 'AND') {
    if (leftType === 'null' || rightType === 'null') return null;
    if (a === false || b === false) return false;
    return a === true && b === true ? true : undefined;
  }
  if (leftType === 'null' && rightType === 'null') return null;
  if (leftType === 'null') return b;
  if (rightType === 'null') return a;
  if (a === true || b === true) return true;
  return a === false && b === false ? false : undefined;
}

/** AND/OR once a $body value is involved: both sides must be booleans at run time, else undefined. */
function queryLogic(op: 'AND' | 'OR', a: QueryValue, b: QueryValue): Value {
  if (a.t !== 'bool' || b.t !== 'bool') return undefined;
  return op === 'AND' ? a.v && b.v : a.v || b.v;
}

/** Compares two values of the same static type; undefined when either is undefined. */
function compareTyped(type: StaticType, a: Value, b: Value): number | undefined {
  switch (type) {
    case 'string':
      if (typeof a !== 'string' || typeof b !== 'string') return undefined;
      return a < b ? -1 : a > b ? 1 : 0;
    case 'number':
      if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'bool':
      if (a === undefined || b === undefined) return undefined;
      return Number(a) - Number(b);
    case 'null':
      return 0;
    default:
      return undefined;
  }
}

/** A null compared with a bool, number or string: the comparisons edgeHub decides by type order alone. */
function nullAgainstValue(a: QueryValue, b: QueryValue): boolean {
  const isValue = (q: QueryValue) => q.t === 'bool' || q.t === 'number' || q.t === 'string';
  return (a.t === 'null' && isValue(b)) || (b.t === 'null' && isValue(a));
}

// edgeHub orders values of different runtime types by this enum order (QueryValueType; Azure/iotedge
// edge-hub/core/src/Microsoft.Azure.Devices.Routing.Core/query/types/QueryValue.cs CompareTo, QueryValueType.cs).
const QUERY_TYPE_ORDER: Record<QueryValue['t'], number> = { none: 0, bool: 1, number: 2, string: 3, null: 4, object: 5 };

/** Compares $body values: different runtime types compare by type order (so `missing > 0.5` is true in edgeHub). */
function compareQuery(a: QueryValue, b: QueryValue): number | undefined {
  if (a.t === 'none' || b.t === 'none') return undefined;
  if (a.t !== b.t) return Math.sign(QUERY_TYPE_ORDER[a.t] - QUERY_TYPE_ORDER[b.t]);
  switch (a.t) {
    case 'bool':
      return Number(a.v) - Number((b as { v: boolean }).v);
    case 'number': {
      const y = (b as { v: number }).v;
      return a.v < y ? -1 : a.v > y ? 1 : 0;
    }
    case 'string': {
      const y = (b as { v: string }).v;
      return a.v < y ? -1 : a.v > y ? 1 : 0;
    }
    case 'null':
      return 0;
    default:
      // Objects compare by reference in edgeHub; two reads are never the same object.
      return 1;
  }
}

function applyComparison(op: string, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}
