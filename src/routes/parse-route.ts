// Parses a full edgeHub route string, `[SELECT *] FROM <path> [WHERE <condition>] INTO <sink>` (Route.g4), and
// checks the sink as edgeHub's EndpointFactory does. Routes stage; the compiler re-checks every rendered route.
import type { RouteSinkIR } from '../ir/types.js';
import type { Expr, RouteSyntaxError } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { ConditionParser } from './parse-condition.js';

export interface ParsedRoute {
  /** The FROM path as edgeHub reads it (tokens joined), e.g. '/messages/modules/m1/outputs/*'. */
  source?: string;
  sourceStart?: number;
  sourceLength?: number;
  /** The WHERE part: its text, offset, and tree when it parsed. */
  condition?: { text: string; start: number; expr?: Expr };
  sink?: RouteSinkIR;
  errors: RouteSyntaxError[];
}

const SINK_HINT = 'Route INTO $upstream or INTO BrokeredEndpoint("/modules/<module>/inputs/<input>").';

/** Parses `text` as an edgeHub route, collecting every problem with its offset. */
export function parseRoute(text: string): ParsedRoute {
  const { tokens, problems } = tokenize(text);
  const parser = new ConditionParser(tokens, problems);
  const result: ParsedRoute = { errors: [] };
  const fail = (problem: Omit<RouteSyntaxError, 'severity'>) => {
    parser.report(problem);
    result.errors = parser.errors();
    return result;
  };
  const at = (token: Token) => ({ start: token.start, length: token.length });

  if (parser.peek().kind === 'EOF') {
    return fail({
      id: 'expected-from',
      message: 'The route is empty.',
      hint: 'Write FROM /messages/* INTO $upstream or similar.',
      start: 0,
      length: text.length,
    });
  }
  if (parser.peek().kind === 'SELECT') {
    parser.next();
    if (parser.peek().kind !== 'MUL') return fail({ id: 'expected-from', message: "Expected '*' after SELECT.", ...at(parser.peek()) });
    parser.next();
  }
  if (parser.peek().kind !== 'FROM') {
    return fail({
      id: 'expected-from',
      message: `Expected FROM, found ${describe(parser.peek())}.`,
      hint: 'A route starts with FROM (or SELECT * FROM).',
      ...at(parser.peek()),
    });
  }
  const from = parser.next();

  // path: ('/' item)+ where item is '*' or a name
  const pathTokens: Token[] = [];
  while (parser.peek().kind === 'DIV') {
    const slash = parser.next();
    const item = parser.peek();
    if (item.kind !== 'ID' && item.kind !== 'MUL') {
      return fail({
        id: 'expected-source',
        message: `Expected a name or '*' after '/', found ${describe(item)}.`,
        hint:
          item.kind === 'EOF' || item.kind === 'WHERE' || item.kind === 'INTO'
            ? undefined
            : 'Path parts must be plain names (not keywords, numbers or $names) or *.',
        ...(item.kind === 'EOF' ? at(slash) : at(item)),
      });
    }
    pathTokens.push(slash, parser.next());
  }
  if (pathTokens.length === 0) {
    return fail({
      id: 'expected-source',
      message: `Expected a source path after FROM, found ${describe(parser.peek())}.`,
      hint: 'Write a path such as /messages/* or /messages/modules/<module>/outputs/<output>.',
      ...at(from),
    });
  }
  const first = pathTokens[0]!;
  const last = pathTokens[pathTokens.length - 1]!;
  result.source = pathTokens.map((t) => t.text).join('');
  result.sourceStart = first.start;
  result.sourceLength = last.start + last.length - first.start;

  if (parser.peek().kind === 'WHERE') {
    const where = parser.next();
    const conditionStart = parser.peek().start;
    const before = parser.errors().length;
    let expr: Expr | undefined;
    if (parser.peek().kind === 'INTO' || parser.peek().kind === 'EOF') {
      parser.report({ id: 'expected-expression', message: "Expected a condition after 'WHERE'.", ...at(where) });
    } else {
      expr = parser.parseToEnd('INTO');
    }
    const conditionEnd = parser.peek().kind === 'INTO' || parser.peek().kind === 'EOF' ? parser.peek().start : text.length;
    const conditionText = text.slice(conditionStart, conditionEnd).trimEnd();
    result.condition = { text: conditionText, start: conditionStart, ...(parser.errors().length === before && expr ? { expr } : {}) };
  }

  if (parser.peek().kind !== 'INTO') {
    // At the end of the text after earlier errors (e.g. an unterminated string ate INTO), say nothing more.
    if (parser.peek().kind === 'EOF' && parser.errors().length > 0) {
      result.errors = parser.errors();
      return result;
    }
    return fail({
      id: 'expected-into',
      message: `Expected ${result.condition ? 'INTO' : 'WHERE or INTO'}, found ${describe(parser.peek())}.`,
      hint: SINK_HINT,
      ...(parser.peek().kind === 'EOF' ? { start: text.length, length: 0 } : at(parser.peek())),
    });
  }
  const into = parser.next();
  const sinkToken = parser.peek();
  if (sinkToken.kind === 'SYS_PROP') {
    parser.next();
    if (sinkToken.text.toLowerCase() === '$upstream') result.sink = { kind: 'upstream' };
    else
      parser.report({
        id: 'unsupported-sink',
        message: `edgeHub does not support the system endpoint '${sinkToken.text}'.`,
        hint: SINK_HINT,
        ...at(sinkToken),
      });
  } else if (sinkToken.kind === 'ID' && parser.peek(1).kind === 'LPAREN') {
    parseFunctionSink(parser, result);
  } else {
    return fail({
      id: 'expected-sink',
      message: `Expected a sink after INTO, found ${describe(sinkToken)}.`,
      hint: SINK_HINT,
      ...(sinkToken.kind === 'EOF' ? at(into) : at(sinkToken)),
    });
  }
  if (parser.peek().kind !== 'EOF') {
    parser.report({
      id: 'unexpected-token',
      message: `Unexpected ${describe(parser.peek())} after the sink.`,
      hint: 'Remove it; the route ends after its sink.',
      ...at(parser.peek()),
    });
  }
  result.errors = parser.errors();
  return result;
}

/** ID '(' STRING ')': only BrokeredEndpoint("/modules/<m>/inputs/<i>") is supported, with exactly 4 segments. */
function parseFunctionSink(parser: ConditionParser, result: ParsedRoute): void {
  const name = parser.next();
  parser.next(); // '('
  const argument = parser.peek();
  if (argument.kind !== 'STRING') {
    parser.report({
      id: 'expected-sink',
      message: `Expected a quoted endpoint address after '${name.text}('.`,
      hint: SINK_HINT,
      start: argument.start,
      length: argument.length,
    });
    return;
  }
  parser.next();
  if (parser.peek().kind !== 'RPAREN') {
    parser.report({
      id: 'missing-close-paren',
      message: `Missing ')' after the endpoint address.`,
      start: argument.start,
      length: argument.length,
    });
  } else {
    parser.next();
  }
  if (name.text.toLowerCase() !== 'brokeredendpoint') {
    parser.report({
      id: 'unsupported-sink',
      message: `edgeHub does not support the endpoint function '${name.text}'.`,
      hint: SINK_HINT,
      start: name.start,
      length: name.length,
    });
    return;
  }
  // edgeHub trims the address, drops one leading and one trailing '/', and needs exactly 4 segments.
  let address = argument.text.slice(1, -1).trim();
  if (address.startsWith('/')) address = address.slice(1);
  if (address.endsWith('/')) address = address.slice(0, -1);
  const segments = address.split('/');
  if (segments.length !== 4) {
    parser.report({
      id: 'unsupported-sink',
      message: `The endpoint address must look like "/modules/<module>/inputs/<input>".`,
      start: argument.start,
      length: argument.length,
    });
    return;
  }
  result.sink = { kind: 'module', module: segments[1]!, input: segments[3]! };
}

function describe(token: Token): string {
  return token.kind === 'EOF' ? 'the end of the route' : `'${token.text}'`;
}
