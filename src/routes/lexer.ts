// Tokenizer for edgeHub's route and condition language, matching the ANTLR lexer of edgeHub's routing core:
// longest match wins, ties go to the rule defined first. Routes stage; used by parse-condition.ts and parse-route.ts.
import type { RouteSyntaxError } from './ast.js';

export type TokenKind =
  | 'LBRACE'
  | 'RBRACE'
  | 'SELECT'
  | 'FROM'
  | 'WHERE'
  | 'INTO'
  | 'STRING'
  | 'UNTERMINATED_STRING'
  | 'INTEGER'
  | 'HEX'
  | 'REAL'
  | 'TRUE'
  | 'FALSE'
  | 'NULL'
  | 'UNDEFINED'
  | 'LPAREN'
  | 'RPAREN'
  | 'COMMA'
  | 'PLUS'
  | 'MINUS'
  | 'MUL'
  | 'DIV'
  | 'MOD'
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'EQ'
  | 'NE1'
  | 'NE2'
  | 'LE'
  | 'GE'
  | 'GT'
  | 'LT'
  | 'CONCAT'
  | 'COALESCE'
  | 'SYS_PROP'
  | 'ID'
  | 'QUERY_PATH'
  | 'WS'
  | 'COMMENT'
  | 'UNKNOWN'
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

type Matcher = (text: string, pos: number) => number;

const isDigitChar = (c: string) => c >= '0' && c <= '9';

const exact =
  (literal: string): Matcher =>
  (text, pos) =>
    text.startsWith(literal, pos) ? literal.length : 0;

const keyword =
  (word: string): Matcher =>
  (text, pos) =>
    text.slice(pos, pos + word.length).toLowerCase() === word ? word.length : 0;

function runOf(text: string, pos: number, accepts: (c: string) => boolean): number {
  let i = pos;
  while (i < text.length && accepts(text[i]!)) i++;
  return i - pos;
}

/** Length of the run of characters from `pos` that are not in `stop` (a table of ASCII codes; others never stop). */
function runUntil(text: string, pos: number, stop: Uint8Array): number {
  let i = pos;
  for (let code = text.charCodeAt(i); i < text.length && (code >= 128 || stop[code] === 0); code = text.charCodeAt(++i));
  return i - pos;
}

function asciiTable(chars: Iterable<string>): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}
const ID_STOP_TABLE = asciiTable(ID_STOP);
const QUERY_PATH_STOP_TABLE = asciiTable(QUERY_PATH_STOP);

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
  const digits = runOf(text, pos + sign, isDigitChar);
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
  const digits = runOf(text, pos + 1 + sign, isDigitChar);
  return digits > 0 ? 1 + sign + digits : 0;
}

// REAL: '-'? [0-9]* '.' [0-9]+ EXP?  |  '-'? [0-9]* EXP
const matchReal: Matcher = (text, pos) => {
  const sign = text[pos] === '-' ? 1 : 0;
  const whole = runOf(text, pos + sign, isDigitChar);
  let best = 0;
  const afterWhole = pos + sign + whole;
  if (text[afterWhole] === '.') {
    const fraction = runOf(text, afterWhole + 1, isDigitChar);
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
  const path = runUntil(text, pos + 1, QUERY_PATH_STOP_TABLE);
  return path > 0 ? 1 + path : 0;
};

const matchId: Matcher = (text, pos) => runUntil(text, pos, ID_STOP_TABLE);
const matchQueryPath: Matcher = (text, pos) => runUntil(text, pos, QUERY_PATH_STOP_TABLE);
const WHITESPACE_TABLE = asciiTable(' \t\n\r');
const matchWhitespace: Matcher = (text, pos) => {
  let i = pos;
  for (let code = text.charCodeAt(i); code < 128 && WHITESPACE_TABLE[code] === 1; code = text.charCodeAt(++i));
  return i - pos;
};

const matchComment: Matcher = (text, pos) => {
  if (!text.startsWith('/*', pos)) return 0;
  const close = text.indexOf('*/', pos + 2);
  return close < 0 ? 0 : close + 2 - pos;
};

/** A lexer rule: its matcher, and which characters a match can start with (so most rules are skipped quickly). */
interface Rule {
  kind: TokenKind;
  match: Matcher;
  canStart: (c: string) => boolean;
}

const rule = (kind: TokenKind, match: Matcher, canStart: (c: string) => boolean): Rule => ({ kind, match, canStart });
const literal = (kind: TokenKind, text: string): Rule => rule(kind, exact(text), (c) => c === text[0]);
const word = (kind: TokenKind, text: string): Rule => rule(kind, keyword(text), (c) => c.toLowerCase() === text[0]);

// Rule order is the lexer's definition order (implicit '{' '}' tokens first): it breaks ties between equal lengths.
const RULES: readonly Rule[] = [
  literal('LBRACE', '{'),
  literal('RBRACE', '}'),
  word('SELECT', 'select'),
  word('FROM', 'from'),
  word('WHERE', 'where'),
  word('INTO', 'into'),
  rule('STRING', matchString, isQuote),
  rule('UNTERMINATED_STRING', matchUnterminatedString, isQuote),
  rule('INTEGER', matchInteger, (c) => c === '-' || isDigitChar(c)),
  rule('HEX', matchHex, (c) => c === '0'),
  rule('REAL', matchReal, (c) => c === '-' || c === '.' || c === 'e' || c === 'E' || isDigitChar(c)),
  literal('TRUE', 'true'),
  literal('FALSE', 'false'),
  literal('NULL', 'null'),
  literal('UNDEFINED', 'undefined'),
  literal('LPAREN', '('),
  literal('RPAREN', ')'),
  literal('COMMA', ','),
  literal('PLUS', '+'),
  literal('MINUS', '-'),
  literal('MUL', '*'),
  literal('DIV', '/'),
  literal('MOD', '%'),
  word('AND', 'and'),
  word('OR', 'or'),
  word('NOT', 'not'),
  literal('EQ', '='),
  literal('NE1', '!='),
  literal('NE2', '<>'),
  literal('LE', '<='),
  literal('GE', '>='),
  literal('GT', '>'),
  literal('LT', '<'),
  literal('CONCAT', '||'),
  literal('COALESCE', '??'),
  rule('SYS_PROP', matchSysProp, (c) => c === '$'),
  rule('ID', matchId, (c) => !ID_STOP.has(c)),
  rule('QUERY_PATH', matchQueryPath, (c) => !QUERY_PATH_STOP.has(c)),
  rule('WS', matchWhitespace, (c) => c === ' ' || c === '\t' || c === '\n' || c === '\r'),
  rule('COMMENT', matchComment, (c) => c === '/'),
];

/** The rules that can match at a character, in definition order; computed once per distinct character. */
const candidatesByAscii: (readonly Rule[] | undefined)[] = new Array(128);
const candidatesByChar = new Map<string, readonly Rule[]>();
function candidatesFor(text: string, pos: number): readonly Rule[] {
  const code = text.charCodeAt(pos);
  if (code < 128) return (candidatesByAscii[code] ??= RULES.filter((r) => r.canStart(text[pos]!)));
  const c = text[pos]!;
  let found = candidatesByChar.get(c);
  if (found === undefined) {
    found = RULES.filter((r) => r.canStart(c));
    candidatesByChar.set(c, found);
  }
  return found;
}

/** Every rule in definition order: tests use it to prove that the first-character filter drops no match. */
export const LEXER_RULES: readonly { kind: TokenKind; match: Matcher; canStart: (c: string) => boolean }[] = RULES;

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
    for (const { kind: ruleKind, match } of candidatesFor(text, pos)) {
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
  return body.replace(/\\[Uu]([0-9A-Fa-f]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\(["'\\])/g, '$1');
}
