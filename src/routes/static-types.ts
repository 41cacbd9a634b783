// Gives every node of a condition the static type edgeHub's compiler gives it, and reports what edgeHub's compiler
// rejects (unknown function, bad arguments, operand types, bad $body paths). Routes stage: used by
// check-condition.ts (problems) and evaluate-condition.ts (types pick the operators).
import type { BinaryExpr, CallExpr, Expr, RouteSyntaxError, SysPropertyExpr, UnaryExpr } from './ast.js';
import { acceptsArity, BUILTINS, getBuiltin, selectOverload, typeMatches, type Builtin, type Overload } from './builtins.js';
import { didYouMean } from './did-you-mean.js';
import { checkTwinChangePath, parseJsonPath, type PathSegment } from './json-path.js';
import { typeName, type StaticType } from './values.js';

export type ConditionSource = 'messages' | 'twinChangeNotifications';

export interface Typing {
  types: Map<Expr, StaticType>;
  overloads: Map<CallExpr, Overload>;
  /** Parsed paths of valid `$body.` references. */
  bodyPaths: Map<SysPropertyExpr, PathSegment[]>;
  /** Parsed twin paths of valid twin_change_includes calls. */
  twinPaths: Map<CallExpr, PathSegment[]>;
  /** What edgeHub's compiler would reject; all errors. */
  problems: RouteSyntaxError[];
}

const ARITHMETIC = new Set(['*', '/', '%', '+', '-']);
const COMPARISON = new Set(['<', '<=', '>', '>=', '=', '!=', '<>']);
const BODY_PREFIX = '$body.';

/** Types `expr` as edgeHub's ConditionVisitor does for a route whose source is `source`. */
export function typeCondition(expr: Expr, source: ConditionSource): Typing {
  const typing: Typing = { types: new Map(), overloads: new Map(), bodyPaths: new Map(), twinPaths: new Map(), problems: [] };
  // Nodes that failed to type; their parents stay quiet so one mistake gives one error.
  const failed = new Set<Expr>();
  let current: Expr = expr;
  const error = (problem: Omit<RouteSyntaxError, 'severity'>) => {
    failed.add(current);
    typing.problems.push({ severity: 'error', ...problem });
  };
  const anyFailed = (nodes: Expr[]) => nodes.some((n) => failed.has(n));

  function visit(node: Expr): StaticType {
    const type = typeOf(node);
    typing.types.set(node, type);
    return type;
  }

  /** Types the children first, then sets `current` so errors are attributed to `node`. */
  function visitChildren(node: Expr, children: Expr[]): StaticType[] | undefined {
    const types = children.map(visit);
    current = node;
    if (anyFailed(children)) {
      failed.add(node);
      return undefined;
    }
    return types;
  }

  function typeOf(node: Expr): StaticType {
    switch (node.kind) {
      case 'literal':
        // A number edgeHub cannot parse (e.g. `e5`) compiles to undefined.
        return node.type === 'number' && Number.isNaN(node.value) ? 'undefined' : node.type;
      case 'property':
        return 'string';
      case 'sysProperty':
        return typeSysProperty(node);
      case 'group': {
        const inner = visitChildren(node, [node.expr]);
        return inner ? inner[0]! : 'undefined';
      }
      case 'call':
        return typeCall(node);
      case 'unary':
        return typeUnary(node);
      case 'binary':
        return typeBinary(node);
    }
  }

  function typeSysProperty(node: SysPropertyExpr): StaticType {
    current = node;
    const isBody = node.name.toLowerCase().startsWith(BODY_PREFIX);
    if (isBody) {
      const path = node.name.slice(BODY_PREFIX.length);
      const parsed = parseJsonPath(path);
      if (parsed.ok) {
        typing.bodyPaths.set(node, parsed.segments);
        return 'query';
      }
      error({
        id: 'invalid-body-path',
        message: `'${node.name}' is not a valid body path: ${parsed.reason}.`,
        hint: 'Body paths are names and [index] parts joined by dots, e.g. $body.predictions[0].label.',
        start: node.start + (node.escaped ? 1 : 0),
        length: node.name.length,
      });
      return 'undefined';
    }
    // Names with [ ] are only valid as body queries; edgeHub compiles them to undefined.
    if (node.name.includes('[') || node.name.includes(']')) return 'undefined';
    return 'string';
  }

  function typeCall(node: CallExpr): StaticType {
    const builtin = getBuiltin(node.name);
    const nameSpan = { start: node.nameStart, length: node.name.length };
    if (!builtin) {
      node.args.forEach(visit);
      current = node;
      const suggestion = didYouMean(node.name, [...BUILTINS.keys()]);
      error({
        id: 'unknown-function',
        message: `Unknown function '${node.name}'.`,
        hint: suggestion ? `Did you mean '${suggestion}'?` : `edgeHub's functions are: ${[...BUILTINS.keys()].join(', ')}.`,
        ...nameSpan,
      });
      return 'undefined';
    }
    if (builtin.twinChangeOnly) {
      current = node;
      return typeTwinChangeIncludes(node, builtin);
    }
    const given = visitChildren(node, node.args);
    if (!given) return 'undefined';
    const overload = selectOverload(builtin, given);
    if (overload) {
      typing.overloads.set(node, overload);
      return overload.returns;
    }
    if (!acceptsArity(builtin, node.args.length)) {
      error({
        id: 'wrong-arity',
        message: `Function '${node.name}' ${arityText(builtin)}, but ${node.args.length === 1 ? '1 was' : `${node.args.length} were`} given.`,
        hint: `Call it as ${builtin.signature}.`,
        ...nameSpan,
      });
    } else {
      const stringForNumber = given.some((g, i) => g === 'string' && isPropertyRead(node.args[i]!)) && builtin.signature.includes('number');
      error({
        id: 'invalid-arguments',
        message: `Function '${node.name}' cannot take (${given.map(typeName).join(', ')}); it expects ${builtin.signature}.`,
        hint: stringForNumber ? 'Properties are strings; convert one with as_number(...) first.' : undefined,
        ...nameSpan,
      });
    }
    return 'undefined';
  }

  function typeTwinChangeIncludes(node: CallExpr, builtin: Builtin): StaticType {
    const nameSpan = { start: node.nameStart, length: node.name.length };
    if (source !== 'twinChangeNotifications') {
      error({
        id: 'twin-change-only',
        message: `Function '${node.name}' can only be used in routes from /twinChangeNotifications.`,
        hint: 'Route from /twinChangeNotifications, or test message properties instead.',
        ...nameSpan,
      });
      return 'undefined';
    }
    const checked = checkTwinChangePath(node.rawArgs);
    if (!checked.ok) {
      error({
        id: 'invalid-twin-path',
        message: `Function '${node.name}' needs a twin path: ${checked.reason}.`,
        hint: `Call it as ${builtin.signature}, without quotes.`,
        start: node.start,
        length: node.length,
      });
      return 'undefined';
    }
    const parsed = parseJsonPath(node.rawArgs);
    if (parsed.ok) typing.twinPaths.set(node, parsed.segments);
    return 'bool';
  }

  function typeUnary(node: UnaryExpr): StaticType {
    const children = visitChildren(node, [node.operand]);
    if (!children) return 'undefined';
    const operand = children[0]!;
    const opSpan = { start: node.opStart, length: node.opLength };
    if (node.op === '-') {
      if (!typeMatches('number', operand, true)) {
        error({ id: 'operand-types', message: `Unary '-' needs a number, but got ${typeName(operand)}.`, ...opSpan });
        return 'undefined';
      }
      if (operand === 'query') {
        error(unsupportedBodyOperator('-', opSpan, '-as_number($body.x), or 0 - $body.x'));
        return 'undefined';
      }
      return 'number';
    }
    const expected: StaticType = operand === 'null' ? 'null' : 'bool';
    if (!typeMatches(expected, operand, true)) {
      error({
        id: 'operand-types',
        message: `NOT needs a true/false operand, but got ${typeName(operand)}.`,
        hint: "NOT applies only to what directly follows it; use parentheses, e.g. NOT ($outputName = 'x').",
        ...opSpan,
      });
      return 'undefined';
    }
    return 'bool';
  }

  function typeBinary(node: BinaryExpr): StaticType {
    const children = visitChildren(node, [node.left, node.right]);
    if (!children) return 'undefined';
    const [left, right] = children as [StaticType, StaticType];
    const opSpan = { start: node.opStart, length: node.opLength };
    const opText = node.op;
    const types = `${typeName(left)} and ${typeName(right)}`;
    const anyQuery = left === 'query' || right === 'query';

    if (ARITHMETIC.has(node.op)) {
      if (!typeMatches('number', left, true) || !typeMatches('number', right, true)) {
        error({
          id: 'operand-types',
          message: `Operator '${opText}' needs numbers, but got ${types}.`,
          hint: operandHint(node, left, right),
          ...opSpan,
        });
        return 'undefined';
      }
      if (anyQuery && node.op === '%') {
        error(unsupportedBodyOperator('%', opSpan, 'as_number($body.x) % 2'));
        return 'undefined';
      }
      return anyQuery ? 'query' : 'number';
    }
    if (node.op === '||') {
      if (!typeMatches('string', left, true) || !typeMatches('string', right, true)) {
        error({ id: 'operand-types', message: `Operator '||' joins strings, but got ${types}.`, ...opSpan });
        return 'undefined';
      }
      return 'string';
    }
    if (COMPARISON.has(node.op) || node.op === '??') {
      if (!typeMatches(left, right, true)) {
        error({
          id: 'operand-types',
          message:
            node.op === '??'
              ? `Operator '??' needs two values of the same type, but got ${types}.`
              : `Cannot compare ${typeName(left)} with ${typeName(right)} using '${opText}'.`,
          hint: operandHint(node, left, right),
          ...opSpan,
        });
        return 'undefined';
      }
      if (node.op !== '??') return 'bool';
      if (left === 'undefined') return right;
      return anyQuery ? 'query' : left;
    }
    // AND / OR. edgeHub checks the right operand against the left's type when the left is a $body value, so a
    // $body value is accepted on the left only.
    const logical = (t: StaticType) => t === 'null' || t === 'bool' || t === 'undefined';
    const leftOk = logical(left) || left === 'query';
    const rightOk = logical(right) || left === 'query';
    if (!leftOk || !rightOk) {
      const bodyOnRight = right === 'query' && leftOk;
      error({
        id: 'operand-types',
        message: bodyOnRight
          ? `edgeHub only accepts a $body value on the left of '${opText}'.`
          : `Operator '${opText}' needs true/false operands, but got ${types}.`,
        hint: bodyOnRight
          ? 'Swap the two operands, or compare the $body value explicitly, e.g. $body.flag = true.'
          : "Compare values to get true/false, e.g. $outputName = 'x'.",
        ...opSpan,
      });
      return 'undefined';
    }
    if (node.op === 'AND') return left === 'null' || right === 'null' ? 'null' : 'bool';
    return left === 'null' && right === 'null' ? 'null' : 'bool';
  }

  visit(expr);
  return typing;
}

function unsupportedBodyOperator(op: string, span: { start: number; length: number }, fix: string): Omit<RouteSyntaxError, 'severity'> {
  return {
    id: 'unsupported-body-operator',
    message: `edgeHub cannot apply '${op}' to a $body value.`,
    hint: `Convert it to a number first, e.g. ${fix}.`,
    ...span,
  };
}

/** Properties (bare names and `$name`) are always strings in edgeHub, a common surprise next to numbers. */
function isPropertyRead(node: Expr): boolean {
  const inner = node.kind === 'group' ? node.expr : node;
  return inner.kind === 'property' || (inner.kind === 'sysProperty' && !inner.name.toLowerCase().startsWith(BODY_PREFIX));
}

function operandHint(node: BinaryExpr, left: StaticType, right: StaticType): string | undefined {
  const stringProperty = (side: Expr, type: StaticType) => type === 'string' && isPropertyRead(side);
  if ((stringProperty(node.left, left) && right === 'number') || (stringProperty(node.right, right) && left === 'number')) {
    const property = stringProperty(node.left, left) ? node.left : node.right;
    const name = property.kind === 'property' || property.kind === 'sysProperty' ? property.name : 'x';
    return `Properties are strings; convert with as_number(${name}), or compare with a string literal.`;
  }
  if (node.op === '+' && (left === 'string' || right === 'string')) return "Use || to join strings, e.g. 'a' || 'b'.";
  if (left === 'null' || right === 'null') return 'To test for a missing value use is_defined(...) or is_null(...).';
  return undefined;
}

function arityText(builtin: Builtin): string {
  const counts = new Set<number>();
  let atLeast: number | undefined;
  for (const o of builtin.overloads) {
    if (o.params.kind === 'fixed') counts.add(o.params.types.length);
    else if (o.params.kind === 'any') counts.add(o.params.count);
    else atLeast = o.params.types.length - 1;
  }
  if (atLeast !== undefined) return `takes at least ${atLeast} arguments`;
  const sorted = [...counts].sort((a, b) => a - b);
  const last = sorted[sorted.length - 1]!;
  const list = sorted.length === 1 ? String(last) : `${sorted.slice(0, -1).join(', ')} or ${last}`;
  return `takes ${list} argument${last === 1 && sorted.length === 1 ? '' : 's'}`;
}
