// Tokenizer for edgeHub's route and condition language, matching the ANTLR lexer of edgeHub's routing core:
// longest match wins, ties go to the rule defined first. Routes stage; used by parse-condition.ts and parse-route.ts.
import type { RouteSyntaxError } from './ast.js';

export type TokenKind =
  | 'LBRACE' | 'RBRACE'
  | 'SELECT' | 'FROM' | 'WHERE' | 'INTO'
  | 'STRING' | 'UNTERMINATED_STRING'
  | 'INTEGER' | 'HEX' | 'REAL'
  | 'TRUE' | 'FALSE' | 'NULL' | 'UNDEFINED'
  | 'LPAREN' | 'RPAREN' | 'COMMA'
  | 'PLUS' | 'MINUS' | 'MUL' | 'DIV' | 'MOD'
  | 'AND' | 'OR' | 'NOT'
  | 'EQ' | 'NE1' | 'NE2' | 'LE' | 'GE' | 'GT' | 'LT'
  | 'CONCAT' | 'COALESCE'
  | 'SYS_PROP' | 'ID' | 'QUERY_PATH'
  | 'WS' | 'COMMENT' | 'UNKNOWN'
  | 'EOF';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  length: number;
}

// Characters that end an ID (GrammarLexer ID_CHARS) and a query path (QUERY_PATH_CHARS, which allows [ and ]).
const ID_STOP = new Set([...'()<>@,;:\\"/[]?={} \t\n\r']);
const QUERY_PATH_STOP = new Set([...'()<>@,;:\\"/?={} \t\n\r']);
const HEX_DIGIT = /[0-9a-fA-F]/;
const DIGIT = /[0-9]/;

type Matcher = (text: string, pos: number) => number;

const exact = (literal: string): Matcher => (text, pos) => (text.startsWith(literal, pos) ? literal.length : 0);

const keyword = (word: string): Matcher => (text, pos) =>
  text.slice(pos, pos + word.length).toLowerCase() === word ? word.length : 0;

function runOf(text: string, pos: number, accepts: (c: string) => boolean): number {
  let i = pos;
  while (i < text.length && accepts(text[i]!)) i++;
  return i - pos;
}

/** Scans a quoted string body; returns where it stopped and whether it reached the closing quote. */
function scanString(text: string, pos: number): { end: number; closed: boolean } {
  const quote = text[pos];
  let i = pos + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return { end: i + 1, closed: true };
    if (c === '\\') {
      const escapeLength = validEscapeLength(text, i);
      if (escapeLength === 0) return { end: i, closed: false };
      i += escapeLength;
    } else {
      i++;
    }
  }
  return { end: i, closed: false };
}

/** Length of a valid escape at `pos` (which holds a backslash): \" \' \\ or \uXXXX; 0 if invalid. */
export function validEscapeLength(text: string, pos: number): number {
  const next = text[pos + 1];
  if (next === '"' || next === "'" || next === '\\') return 2;
  if (next === 'u' && [1, 2, 3, 4].every((k) => HEX_DIGIT.test(text[pos + 1 + k] ?? ''))) return 6;
  return 0;
}

const isQuote = (c: string | undefined) => c === '"' || c === "'";

const matchString: Matcher = (text, pos) => {
  if (!isQuote(text[pos])) return 0;
  const { end, closed } = scanString(text, pos);
  return closed ? end - pos : 0;
};

const matchUnterminatedString: Matcher = (text, pos) => (isQuote(text[pos]) ? scanString(text, pos).end - pos : 0);

const matchInteger: Matcher = (text, pos) => {
  const sign = text[pos] === '-' ? 1 : 0;
  const digits = runOf(text, pos + sign, (c) => DIGIT.test(c));
  return digits > 0 ? sign + digits : 0;
};

const matchHex: Matcher = (text, pos) => {
  if (text[pos] !== '0' || (text[pos + 1] !== 'x' && text[pos + 1] !== 'X')) return 0;
  const digits = runOf(text, pos + 2, (c) => HEX_DIGIT.test(c));
  return digits > 0 ? 2 + digits : 0;
};

function exponentLength(text: string, pos: number): number {
  if (text[pos] !== 'e' && text[pos] !== 'E') return 0;
  const sign = text[pos + 1] === '+' || text[pos + 1] === '-' ? 1 : 0;
  const digits = runOf(text, pos + 1 + sign, (c) => DIGIT.test(c));
  return digits > 0 ? 1 + sign + digits : 0;
}

// REAL: '-'? [0-9]* '.' [0-9]+ EXP?  |  '-'? [0-9]* EXP
const matchReal: Matcher = (text, pos) => {
  const sign = text[pos] === '-' ? 1 : 0;
  const whole = runOf(text, pos + sign, (c) => DIGIT.test(c));
  let best = 0;
  const afterWhole = pos + sign + whole;
  if (text[afterWhole] === '.') {
    const fraction = runOf(text, afterWhole + 1, (c) => DIGIT.test(c));
    if (fraction > 0) {
      const end = afterWhole + 1 + fraction;
      best = end + exponentLength(text, end) - pos;
    }
  }
  const exponent = exponentLength(text, afterWhole);
  if (exponent > 0) best = Math.max(best, afterWhole + exponent - pos);
  return best;
};

const matchSysProp: Matcher = (text, pos) => {
  if (text[pos] !== '$') return 0;
  const path = runOf(text, pos + 1, (c) => !QUERY_PATH_STOP.has(c));
  return path > 0 ? 1 + path : 0;
};

const matchId: Matcher = (text, pos) => runOf(text, pos, (c) => !ID_STOP.has(c));
const matchQueryPath: Matcher = (text, pos) => runOf(text, pos, (c) => !QUERY_PATH_STOP.has(c));
const matchWhitespace: Matcher = (text, pos) => runOf(text, pos, (c) => c === ' ' || c === '\t' || c === '\n' || c === '\r');

const matchComment: Matcher = (text, pos) => {
  if (!text.startsWith('/*', pos)) return 0;
  const close = text.indexOf('*/', pos + 2);
  return close < 0 ? 0 : close + 2 - pos;
};

// Rule order is the lexer's definition order (implicit '{' '}' tokens first): it breaks ties between equal lengths.
const RULES: readonly [TokenKind, Matcher][] = [
  ['LBRACE', exact('{')],
  ['RBRACE', exact('}')],
  ['SELECT', keyword('select')],
  ['FROM', keyword('from')],
  ['WHERE', keyword('where')],
  ['INTO', keyword('into')],
  ['STRING', matchString],
  ['UNTERMINATED_STRING', matchUnterminatedString],
  ['INTEGER', matchInteger],
  ['HEX', matchHex],
  ['REAL', matchReal],
  ['TRUE', exact('true')],
  ['FALSE', exact('false')],
  ['NULL', exact('null')],
  ['UNDEFINED', exact('undefined')],
  ['LPAREN', exact('(')],
  ['RPAREN', exact(')')],
  ['COMMA', exact(',')],
  ['PLUS', exact('+')],
  ['MINUS', exact('-')],
  ['MUL', exact('*')],
  ['DIV', exact('/')],
  ['MOD', exact('%')],
  ['AND', keyword('and')],
  ['OR', keyword('or')],
  ['NOT', keyword('not')],
  ['EQ', exact('=')],
  ['NE1', exact('!=')],
  ['NE2', exact('<>')],
  ['LE', exact('<=')],
  ['GE', exact('>=')],
  ['GT', exact('>')],
  ['LT', exact('<')],
  ['CONCAT', exact('||')],
  ['COALESCE', exact('??')],
  ['SYS_PROP', matchSysProp],
  ['ID', matchId],
  ['QUERY_PATH', matchQueryPath],
  ['WS', matchWhitespace],
  ['COMMENT', matchComment],
];

export interface LexResult {
  /** Tokens without whitespace and comments, ending with one EOF token. */
  tokens: Token[];
  problems: RouteSyntaxError[];
}

/** Splits `text` into tokens the way edgeHub's lexer does, reporting bad strings as problems. */
export function tokenize(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: RouteSyntaxError[] = [];
  let pos = 0;
  while (pos < text.length) {
    let kind: TokenKind = 'UNKNOWN';
    let length = 1;
    let best = 0;
    for (const [ruleKind, match] of RULES) {
      const n = match(text, pos);
      if (n > best) {
        best = n;
        kind = ruleKind;
        length = n;
      }
    }
    if (kind === 'UNTERMINATED_STRING') {
      // edgeHub would split the rest into error tokens; one string token with one clear problem avoids a cascade.
      const recovered = recoverString(text, pos, problems);
      tokens.push({ kind: 'UNTERMINATED_STRING', text: text.slice(pos, recovered), start: pos, length: recovered - pos });
      pos = recovered;
      continue;
    }
    if (kind !== 'WS' && kind !== 'COMMENT') tokens.push({ kind, text: text.slice(pos, pos + length), start: pos, length });
    pos += length;
  }
  tokens.push({ kind: 'EOF', text: '', start: text.length, length: 0 });
  return { tokens, problems };
}

/** Scans a string with bad escapes or no closing quote to its end, reporting each problem once. */
function recoverString(text: string, pos: number, problems: RouteSyntaxError[]): number {
  const quote = text[pos]!;
  let i = pos + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return i + 1;
    if (c === '\\') {
      const n = validEscapeLength(text, i);
      if (n === 0) {
        const shown = text.slice(i, i + 2);
        problems.push({
          id: 'invalid-escape',
          severity: 'error',
          message: `Unsupported escape '${shown}' in string.`,
          hint: `Only \\" \\' \\\\ and \\uXXXX escapes are allowed; write other characters as \\uXXXX.`,
          start: i,
          length: shown.length,
        });
        i += shown.length;
        continue;
      }
      i += n;
      continue;
    }
    i++;
  }
  problems.push({
    id: 'unterminated-string',
    severity: 'error',
    message: 'Unterminated string.',
    hint: `Close the string with a matching ${quote} quote.`,
    start: pos,
    length: text.length - pos,
  });
  return text.length;
}

/** The value edgeHub gives a string token: \uXXXX first, then \" \' \\ (two passes, as the runtime does). */
export function unescapeString(token: Token): string {
  const closed = token.kind === 'STRING';
  const body = token.text.slice(1, closed ? -1 : undefined);
  return body
    .replace(/\\[Uu]([0-9A-Fa-f]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\(["'\\])/g, '$1');
}
