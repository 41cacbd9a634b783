// Which module, output and input names can appear in a route string. Routes stage; used by the spec checker and
// by format-route.ts before it writes a name into a route.
import { tokenize, type TokenKind } from './lexer.js';

/**
 * Why `name` cannot be used in a route path or BrokeredEndpoint, or undefined when it can.
 * A name must lex as one ID token (GrammarLexer's ID rule), so besides the separator characters it also cannot be
 * a keyword (from, and, true, …), a number (123, 1e5, 0x1f) or start with '$'. A leading '*' could open a comment.
 */
export function routeIdentifierProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  const bad = [...name].find((c) => '()<>@,;:\\"/[]?={}'.includes(c) || /\s/.test(c));
  if (bad !== undefined) return `it contains ${/\s/.test(bad) ? 'whitespace' : `'${bad}'`}, which separates words in a route`;
  if (name.startsWith('*')) return "it starts with '*', which reads as a wildcard or a comment in a route";
  const { tokens } = tokenize(name);
  const first = tokens[0]!;
  if (tokens.length === 2 && first.kind === 'ID' && first.length === name.length) return undefined;
  if (first.kind === 'SYS_PROP') return "it starts with '$', which marks a system property in a route";
  const readAs = TOKEN_READINGS[first.kind] ?? 'several words';
  return `edgeHub reads '${name}' as ${readAs}, not as a name`;
}

// How the route lexer reads names that are not one ID token.
const TOKEN_READINGS: Partial<Record<TokenKind, string>> = {
  SELECT: 'a keyword',
  FROM: 'a keyword',
  WHERE: 'a keyword',
  INTO: 'a keyword',
  AND: 'a keyword',
  OR: 'a keyword',
  NOT: 'a keyword',
  TRUE: 'a literal',
  FALSE: 'a literal',
  NULL: 'a literal',
  UNDEFINED: 'a literal',
  INTEGER: 'a number',
  HEX: 'a number',
  REAL: 'a number',
  STRING: 'a string',
  UNTERMINATED_STRING: 'a string',
};

/** True when `name` can be a module, output or input name inside an edgeHub route. */
export function isValidRouteIdentifier(name: string): boolean {
  return routeIdentifierProblem(name) === undefined;
}
