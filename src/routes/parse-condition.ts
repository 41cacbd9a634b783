// Precedence-climbing parser for edgeHub route conditions (Condition.g4 of edgeHub's routing core), with
// friendly errors and offsets. Routes stage; parse-route.ts reuses ConditionParser for the WHERE part of a route.
import type { BinaryOp, Expr, LiteralExpr, RouteSyntaxError } from './ast.js';
import { tokenize, unescapeString, type Token, type TokenKind } from './lexer.js';

/** Binary operators by token, with their precedence: higher binds tighter. All are left-associative. */
const BINARY: Partial<Record<TokenKind, { op: BinaryOp; precedence: number }>> = {
  COALESCE: { op: '??', precedence: 1 },
  OR: { op: 'OR', precedence: 2 },
  AND: { op: 'AND', precedence: 3 },
  EQ: { op: '=', precedence: 4 },
  NE1: { op: '!=', precedence: 4 },
  NE2: { op: '<>', precedence: 4 },
  LT: { op: '<', precedence: 5 },
  LE: { op: '<=', precedence: 5 },
  GT: { op: '>', precedence: 5 },
  GE: { op: '>=', precedence: 5 },
  PLUS: { op: '+', precedence: 6 },
  MINUS: { op: '-', precedence: 6 },
  CONCAT: { op: '||', precedence: 6 },
  MUL: { op: '*', precedence: 7 },
  DIV: { op: '/', precedence: 7 },
  MOD: { op: '%', precedence: 7 },
};

/** Unary '-' and NOT come before the binary operators in the grammar, so they bind tighter than all of them. */
const PREFIX_PRECEDENCE = 8;

const LITERAL_KINDS = new Set<TokenKind>(['STRING', 'UNTERMINATED_STRING', 'INTEGER', 'HEX', 'REAL', 'TRUE', 'FALSE', 'NULL', 'UNDEFINED']);
const STARTS_EXPRESSION = new Set<TokenKind>([
  ...LITERAL_KINDS,
  'LPAREN',
  'SYS_PROP',
  'ID',
  'LBRACE',
  'MINUS',
  'NOT',
  'UNKNOWN',
  'QUERY_PATH',
]);
const RESERVED = new Set<TokenKind>(['SELECT', 'FROM', 'WHERE', 'INTO']);
/** Deeper nesting is surely a mistake, and the recursive stages after parsing must not overflow the stack. */
const MAX_NESTING = 200;

export interface ConditionParseResult {
  /** The syntax tree; present only when there are no errors. */
  expr?: Expr;
  errors: RouteSyntaxError[];
}

/**
 * Parses a route condition (the text after WHERE) as edgeHub does.
 * An empty condition is reported: edgeHub accepts it but it never routes anything.
 */
export function parseCondition(text: string): ConditionParseResult {
  const { tokens, problems } = tokenize(text);
  const parser = new ConditionParser(tokens, problems);
  if (parser.peek().kind === 'EOF') {
    parser.report({
      id: 'empty-condition',
      message: 'The condition is empty, so edgeHub would never route these messages.',
      hint: "Write a condition such as $outputName = 'results', or remove the condition.",
      start: 0,
      length: text.length,
    });
    return { errors: parser.errors() };
  }
  const expr = parser.parseToEnd('EOF');
  const errors = parser.errors();
  return errors.length === 0 ? { expr, errors } : { errors };
}

/** A recursive-descent / precedence-climbing parser over a token list, collecting problems instead of throwing. */
export class ConditionParser {
  private index = 0;
  private lastEnd = 0;
  private depth = 0;
  private aborted = false;
  private readonly problems: RouteSyntaxError[];
  private readonly reportedStarts = new Set<number>();

  constructor(
    private readonly tokens: Token[],
    lexProblems: RouteSyntaxError[] = [],
    startIndex = 0,
  ) {
    this.problems = [...lexProblems];
    this.index = startIndex;
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  get position(): number {
    return this.index;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'EOF') this.index++;
    this.lastEnd = token.start + token.length;
    return token;
  }

  errors(): RouteSyntaxError[] {
    return [...this.problems].sort((a, b) => a.start - b.start);
  }

  /**
   * `0,8` written with a decimal comma lexes as the number 0, a stray ',' and 8: suggest the decimal point, since
   * removing the comma (the generic hint) would give 08, another number.
   */
  private commaDecimalHint(comma: Token): string | undefined {
    if (comma.text !== ',') return undefined;
    const before = this.tokens[this.index - 1];
    const after = this.tokens[this.index + 1];
    const isDigits = (t: Token | undefined) => t !== undefined && t.kind === 'INTEGER' && /^[0-9]+$/.test(t.text);
    if (!isDigits(before) || !isDigits(after) || before!.start + before!.length !== comma.start || comma.start + 1 !== after!.start)
      return undefined;
    return `Write decimals with a point: '${before!.text}.${after!.text}'.`;
  }

  /** Records a syntax problem; a second problem at the same offset is a cascade and is dropped. */
  report(problem: Omit<RouteSyntaxError, 'severity'>): void {
    if (this.aborted || this.reportedStarts.has(problem.start)) return;
    this.reportedStarts.add(problem.start);
    this.problems.push({ severity: 'error', ...problem });
  }

  /** Parses one whole condition, reporting anything left before the token kind `end` (EOF, or INTO in a route). */
  parseToEnd(end: TokenKind): Expr {
    let expr = this.parseExpression(0);
    while (this.peek().kind !== end && this.peek().kind !== 'EOF') {
      const token = this.peek();
      if (token.kind === 'RPAREN') {
        this.report({
          id: 'unmatched-close-paren',
          message: "Unexpected ')'.",
          hint: "Remove it, or add the matching '(' earlier.",
          start: token.start,
          length: token.length,
        });
        this.next();
        expr = this.parseBinaryTail(expr, 0);
        continue;
      }
      this.report({
        id: 'unexpected-token',
        message: `Unexpected ${describe(token)} after the expression.`,
        hint: /^-[0-9.]/.test(token.text)
          ? `Put a space after '-' to subtract: '- ${token.text.slice(1)}'.`
          : (this.commaDecimalHint(token) ??
            (STARTS_EXPRESSION.has(token.kind)
              ? 'Join the two parts with an operator such as AND, OR or =.'
              : 'Remove it, or complete the expression around it.')),
        start: token.start,
        length: token.length,
      });
      break;
    }
    return expr;
  }

  parseExpression(minPrecedence: number): Expr {
    if (this.depth >= MAX_NESTING) {
      const token = this.peek();
      this.report({
        id: 'nesting-too-deep',
        message: `The condition is nested more than ${MAX_NESTING} levels deep.`,
        hint: 'Simplify the condition.',
        start: token.start,
        length: token.length,
      });
      // Give up on the rest: the enclosing levels would only add cascading errors.
      this.aborted = true;
      while (this.peek().kind !== 'EOF') this.next();
      return placeholder(token);
    }
    this.depth++;
    try {
      const left = this.parsePrefix();
      return this.parseBinaryTail(left, minPrecedence);
    } finally {
      this.depth--;
    }
  }

  private parseBinaryTail(left: Expr, minPrecedence: number): Expr {
    for (;;) {
      const token = this.peek();
      if (token.kind === 'UNKNOWN') {
        // edgeHub's grammar reads `expr <bad char> expr`; report the character and keep the shape.
        this.reportUnknown(this.next());
        if (STARTS_EXPRESSION.has(this.peek().kind)) this.parseExpression(PREFIX_PRECEDENCE);
        continue;
      }
      const binary = BINARY[token.kind];
      if (!binary || binary.precedence < minPrecedence) return left;
      this.next();
      if (!STARTS_EXPRESSION.has(this.peek().kind)) {
        this.reportMissingOperand(token);
        return left;
      }
      const right = this.parseExpression(binary.precedence + 1);
      left = {
        kind: 'binary',
        op: binary.op,
        opStart: token.start,
        opLength: token.length,
        left,
        right,
        start: left.start,
        length: right.start + right.length - left.start,
      };
    }
  }

  private parsePrefix(): Expr {
    const token = this.peek();
    if (LITERAL_KINDS.has(token.kind)) return literalOf(this.next());
    switch (token.kind) {
      case 'LPAREN':
        return this.parseGroup();
      case 'SYS_PROP':
        this.next();
        return { kind: 'sysProperty', name: token.text, escaped: false, start: token.start, length: token.length };
      case 'ID':
        if (this.peek(1).kind === 'LPAREN') return this.parseCall();
        this.next();
        return { kind: 'property', name: token.text, start: token.start, length: token.length };
      case 'LBRACE':
        return this.parseEscapedSysProp();
      case 'MINUS':
      case 'NOT': {
        this.next();
        if (!STARTS_EXPRESSION.has(this.peek().kind)) {
          this.reportMissingOperand(token);
          return placeholder(token);
        }
        const operand = this.parseExpression(PREFIX_PRECEDENCE);
        return {
          kind: 'unary',
          op: token.kind === 'MINUS' ? '-' : 'NOT',
          opStart: token.start,
          opLength: token.length,
          operand,
          start: token.start,
          length: operand.start + operand.length - token.start,
        };
      }
      case 'UNKNOWN':
        this.reportUnknown(this.next());
        return STARTS_EXPRESSION.has(this.peek().kind) ? this.parsePrefix() : placeholder(token);
      case 'QUERY_PATH':
        this.next();
        this.report({
          id: 'invalid-name',
          message: `'${token.text}' is not a valid name: '[' and ']' are only allowed in $body paths.`,
          hint: `To read from the message body, write $body.${token.text}.`,
          start: token.start,
          length: token.length,
        });
        return placeholder(token);
      default:
        break;
    }
    if (RESERVED.has(token.kind) && token.kind !== 'INTO') {
      this.next();
      this.report({
        id: 'reserved-word',
        message: `'${token.text}' is a reserved word and cannot be used in a condition.`,
        hint: 'Rename the property; SELECT, FROM, WHERE and INTO cannot be property names.',
        start: token.start,
        length: token.length,
      });
      return placeholder(token);
    }
    this.reportExpectedExpression(token);
    return placeholder(token);
  }

  private parseGroup(): Expr {
    const open = this.next();
    if (this.peek().kind === 'RPAREN') {
      const close = this.next();
      this.report({
        id: 'expected-expression',
        message: "Expected an expression inside '( )'.",
        start: open.start,
        length: close.start + close.length - open.start,
      });
      return placeholder(open);
    }
    const inner = this.parseExpression(0);
    if (this.peek().kind === 'RPAREN') {
      this.next();
    } else {
      this.report({
        id: 'missing-close-paren',
        message: "Missing ')' to close this '('.",
        hint: "Add ')' where the parenthesised part ends.",
        start: open.start,
        length: open.length,
      });
    }
    return { kind: 'group', expr: inner, start: open.start, length: this.lastEnd - open.start };
  }

  private parseCall(): Expr {
    const name = this.next();
    const open = this.next();
    const args: Expr[] = [];
    const argsStart = this.index;
    if (this.peek().kind !== 'RPAREN') {
      for (;;) {
        args.push(this.parseExpression(0));
        if (this.peek().kind !== 'COMMA') break;
        const comma = this.next();
        if (!STARTS_EXPRESSION.has(this.peek().kind)) {
          this.reportMissingOperand(comma);
          break;
        }
      }
    }
    const rawArgs = this.tokens
      .slice(argsStart, this.index)
      .map((t) => t.text)
      .join('');
    if (this.peek().kind === 'RPAREN') {
      this.next();
    } else {
      const found = this.peek();
      this.report({
        id: 'missing-close-paren',
        message: `Missing ')' to close the call to '${name.text}'.`,
        hint: found.kind === 'EOF' ? "Add ')' after the last argument." : "Separate arguments with ',' and close the call with ')'.",
        start: name.start,
        length: open.start + open.length - name.start,
      });
    }
    return {
      kind: 'call',
      name: name.text,
      nameStart: name.start,
      args,
      rawArgs,
      start: name.start,
      length: this.lastEnd - name.start,
    };
  }

  private parseEscapedSysProp(): Expr {
    const open = this.next();
    const prop = this.peek();
    if (prop.kind !== 'SYS_PROP') {
      this.report({
        id: 'expected-sys-prop',
        message: "Expected a $property inside '{ }'.",
        hint: 'Write the system property with its $, e.g. {$contentType}.',
        start: open.start,
        length: prop.start + prop.length - open.start,
      });
      if (prop.kind === 'ID') this.next();
      if (this.peek().kind === 'RBRACE') this.next();
      return placeholder(open);
    }
    this.next();
    if (this.peek().kind === 'RBRACE') {
      this.next();
    } else {
      this.report({
        id: 'missing-close-brace',
        message: "Missing '}' after the property.",
        start: open.start,
        length: prop.start + prop.length - open.start,
      });
    }
    return { kind: 'sysProperty', name: prop.text, escaped: true, start: open.start, length: this.lastEnd - open.start };
  }

  private reportMissingOperand(operator: Token): void {
    const found = this.peek();
    const after = operator.kind === 'COMMA' ? "an argument after ','" : `an expression after '${operator.text}'`;
    if (found.kind === 'EOF' || found.kind === 'INTO') {
      this.report({ id: 'expected-expression', message: `Expected ${after}.`, start: operator.start, length: operator.length });
    } else {
      this.report({
        id: 'expected-expression',
        message: `Expected ${after}, found ${describe(found)}.`,
        start: found.start,
        length: found.length,
      });
    }
  }

  private reportExpectedExpression(found: Token): void {
    const previous = this.index > 0 ? this.tokens[this.index - 1] : undefined;
    if (previous && (found.kind === 'EOF' || found.kind === 'INTO')) {
      this.report({
        id: 'expected-expression',
        message: `Expected an expression after '${previous.text}'.`,
        start: previous.start,
        length: previous.length,
      });
      return;
    }
    this.report({
      id: 'expected-expression',
      message: found.kind === 'EOF' ? 'Expected an expression.' : `Expected an expression, found ${describe(found)}.`,
      start: found.start,
      length: found.length,
    });
  }

  private reportUnknown(token: Token): void {
    this.report({
      id: 'unexpected-character',
      message: `Unexpected character '${token.text}'.`,
      hint:
        token.text === '"' || token.text === "'"
          ? 'Close the string with a matching quote.'
          : 'Remove it; names cannot contain ( ) < > @ , ; : \\ " / ? = { }.',
      start: token.start,
      length: token.length,
    });
  }
}

function describe(token: Token): string {
  return token.kind === 'EOF' ? 'the end of the text' : `'${token.text}'`;
}

/** Stands in for a part that failed to parse; never returned to callers because errors were reported. */
function placeholder(token: Token): LiteralExpr {
  return { kind: 'literal', type: 'undefined', value: undefined, raw: '', start: token.start, length: token.length };
}

function literalOf(token: Token): LiteralExpr {
  const base = { kind: 'literal' as const, raw: token.text, start: token.start, length: token.length };
  switch (token.kind) {
    case 'STRING':
    case 'UNTERMINATED_STRING':
      return { ...base, type: 'string', value: unescapeString(token) };
    case 'TRUE':
      return { ...base, type: 'bool', value: true };
    case 'FALSE':
      return { ...base, type: 'bool', value: false };
    case 'NULL':
      return { ...base, type: 'null', value: null };
    case 'UNDEFINED':
      return { ...base, type: 'undefined', value: undefined };
    case 'HEX':
      return { ...base, type: 'number', value: hexValue(token.text) };
    default:
      // Number() accepts what .NET's invariant double.TryParse does for these tokens; 'e5' is NaN (undefined).
      return { ...base, type: 'number', value: Number(token.text) };
  }
}

/** A hex literal is read as a signed 64-bit integer; a value that does not fit is undefined (NaN). */
function hexValue(text: string): number {
  const value = BigInt(`0x${text.slice(2)}`);
  if (value >= 1n << 64n) return NaN;
  return Number(BigInt.asIntN(64, value));
}
