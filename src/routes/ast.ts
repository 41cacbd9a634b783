// Shapes shared by the route-language modules: condition AST nodes and the problems the modules report.
// Routes stage (used by check/, render/ and the local runner). Offsets are into the text that was parsed.

/** A problem found in a route or condition. `start`/`length` are offsets into the parsed text. */
export interface RouteSyntaxError {
  /** Stable id, e.g. 'expected-expression' or 'unknown-function'. Tests and diagnostic codes key on it. */
  id: RouteProblemId;
  severity: 'error' | 'warning';
  /** One friendly sentence. */
  message: string;
  /** One imperative sentence saying how to fix it, when there is a useful one. */
  hint?: string;
  start: number;
  length: number;
}

/** Every problem id the route modules can report. Syntax ids come from the parsers, the rest from checkCondition. */
export type RouteProblemId =
  // syntax (parseCondition / parseRoute)
  | 'empty-condition'
  | 'expected-expression'
  | 'unexpected-token'
  | 'unexpected-character'
  | 'unmatched-close-paren'
  | 'missing-close-paren'
  | 'missing-close-brace'
  | 'expected-sys-prop'
  | 'unterminated-string'
  | 'invalid-escape'
  | 'invalid-name'
  | 'reserved-word'
  | 'expected-from'
  | 'expected-into'
  | 'expected-source'
  | 'expected-sink'
  | 'nesting-too-deep'
  // semantics (checkCondition / parseRoute)
  | 'unknown-function'
  | 'wrong-arity'
  | 'invalid-arguments'
  | 'twin-change-only'
  | 'operand-types'
  | 'unsupported-body-operator'
  | 'invalid-body-path'
  | 'invalid-twin-path'
  | 'unknown-system-property'
  | 'suspicious-name'
  | 'literal-case'
  | 'not-boolean'
  | 'is-null-body'
  | 'unsupported-sink';

export type LiteralType = 'bool' | 'string' | 'number' | 'null' | 'undefined';

interface NodeBase {
  start: number;
  length: number;
}

export interface LiteralExpr extends NodeBase {
  kind: 'literal';
  type: LiteralType;
  /** The value as edgeHub reads it; a number literal edgeHub cannot parse (e.g. `e5`) is NaN, i.e. undefined. */
  value: boolean | string | number | null | undefined;
  raw: string;
}

/** A bare identifier: an application property. */
export interface PropertyExpr extends NodeBase {
  kind: 'property';
  name: string;
}

/** `$name` (application property named `$name`, else body query or system property) or `{$name}` (escaped). */
export interface SysPropertyExpr extends NodeBase {
  kind: 'sysProperty';
  /** The token text including the leading `$`, e.g. `$body.a[0]`. */
  name: string;
  escaped: boolean;
}

export interface CallExpr extends NodeBase {
  kind: 'call';
  name: string;
  nameStart: number;
  args: Expr[];
  /** The argument text as edgeHub passes it to twin_change_includes: token texts joined without spaces. */
  rawArgs: string;
}

export type UnaryOp = '-' | 'NOT';

export interface UnaryExpr extends NodeBase {
  kind: 'unary';
  op: UnaryOp;
  opStart: number;
  opLength: number;
  operand: Expr;
}

export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '||' | '<' | '<=' | '>' | '>=' | '=' | '!=' | '<>' | 'AND' | 'OR' | '??';

export interface BinaryExpr extends NodeBase {
  kind: 'binary';
  op: BinaryOp;
  opStart: number;
  opLength: number;
  left: Expr;
  right: Expr;
}

/** A parenthesised expression, kept so positions and hints can point at the parentheses. */
export interface GroupExpr extends NodeBase {
  kind: 'group';
  expr: Expr;
}

export type Expr = LiteralExpr | PropertyExpr | SysPropertyExpr | CallExpr | UnaryExpr | BinaryExpr | GroupExpr;

/** Visits every node of an expression tree, parents before children. */
export function walkExpr(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case 'call':
      for (const arg of expr.args) walkExpr(arg, visit);
      break;
    case 'unary':
      walkExpr(expr.operand, visit);
      break;
    case 'binary':
      walkExpr(expr.left, visit);
      walkExpr(expr.right, visit);
      break;
    case 'group':
      walkExpr(expr.expr, visit);
      break;
    default:
      break;
  }
}

/** Offsets a problem by `delta`, for conditions embedded in a larger text (a route string, a YAML scalar). */
export function shiftProblem(problem: RouteSyntaxError, delta: number): RouteSyntaxError {
  return { ...problem, start: problem.start + delta };
}
