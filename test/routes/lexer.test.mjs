// Tokenizer: longest match with edgeHub's rule order, string escapes, comments and keyword case.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LEXER_RULES, tokenize, unescapeString } from '../../dist/routes/lexer.js';

const kinds = (text) => tokenize(text).tokens.map((t) => `${t.kind}:${t.text}`);

test('operators need spaces: a name swallows + - * ! | and quotes (longest match)', () => {
  assert.equal(kinds('2*3'), ['ID:2*3', 'EOF:']);
  assert.equal(kinds('a-1'), ['ID:a-1', 'EOF:']);
  assert.equal(kinds('2 * 3'), ['INTEGER:2', 'MUL:*', 'INTEGER:3', 'EOF:']);
  assert.equal(kinds("a!='x'"), ['ID:a!', 'EQ:=', "STRING:'x'", 'EOF:']);
  // ' and | are name characters, so without spaces the whole thing is one (odd) application property name.
  assert.equal(kinds("'a'||'b'"), ["ID:'a'||'b'", 'EOF:']);
  assert.equal(kinds("'a' || 'b'"), ["STRING:'a'", 'CONCAT:||', "STRING:'b'", 'EOF:']);
});

test('numbers: a leading minus belongs to the literal; hex, reals and bare exponents', () => {
  assert.equal(kinds('x = -1'), ['ID:x', 'EQ:=', 'INTEGER:-1', 'EOF:']);
  assert.equal(kinds('0x1F 1.5 .5 1e-3 -2.5E+2 e5'), ['HEX:0x1F', 'REAL:1.5', 'REAL:.5', 'REAL:1e-3', 'REAL:-2.5E+2', 'REAL:e5', 'EOF:']);
  assert.equal(kinds('123abc'), ['ID:123abc', 'EOF:']);
});

test('keywords AND OR NOT FROM are case-insensitive; literals are lowercase only', () => {
  assert.equal(kinds('a and b Or NOT c'), ['ID:a', 'AND:and', 'ID:b', 'OR:Or', 'NOT:NOT', 'ID:c', 'EOF:']);
  assert.equal(kinds('true True null NULL undefined'), ['TRUE:true', 'ID:True', 'NULL:null', 'ID:NULL', 'UNDEFINED:undefined', 'EOF:']);
  assert.equal(kinds('android notify'), ['ID:android', 'ID:notify', 'EOF:']);
});

test('system properties keep [ ] and dots; plain names stop at [', () => {
  assert.equal(kinds('$body.a.b[0] {$x}'), ['SYS_PROP:$body.a.b[0]', 'LBRACE:{', 'SYS_PROP:$x', 'RBRACE:}', 'EOF:']);
  assert.equal(kinds('a[0]'), ['QUERY_PATH:a[0]', 'EOF:']);
});

test('comments and whitespace are skipped; an unclosed /* is a division', () => {
  assert.equal(kinds('a /* note */ = 1'), ['ID:a', 'EQ:=', 'INTEGER:1', 'EOF:']);
  assert.equal(kinds('a /*b'), ['ID:a', 'DIV:/', 'ID:*b', 'EOF:']);
});

test('unknown characters become UNKNOWN tokens at their offset', () => {
  const { tokens } = tokenize('a @ b');
  assert.equal(tokens[1], { kind: 'UNKNOWN', text: '@', start: 2, length: 1 });
});

test('strings: escapes are decoded like edgeHub (\\u first, then \\" \\\' \\\\)', () => {
  const value = (text) => unescapeString(tokenize(text).tokens[0]);
  assert.is(value(`'it\\'s'`), "it's");
  assert.is(value(`"say \\"hi\\""`), 'say "hi"');
  assert.is(value(`'\\u0041\\\\'`), 'A\\');
  // edgeHub replaces \uXXXX before \\, so an escaped backslash before u0041 still becomes \A.
  assert.is(value(`'\\\\u0041'`), '\\A');
});

test('unterminated strings and bad escapes are one problem each, with offsets', () => {
  let result = tokenize("x = 'abc");
  assert.equal(
    result.problems.map((p) => [p.id, p.start, p.length]),
    [['unterminated-string', 4, 4]],
  );
  assert.equal(
    result.tokens.map((t) => t.kind),
    ['ID', 'EQ', 'UNTERMINATED_STRING', 'EOF'],
  );
  result = tokenize("x = 'a\\nb' AND y");
  assert.equal(
    result.problems.map((p) => [p.id, p.start, p.length]),
    [['invalid-escape', 6, 2]],
  );
  assert.equal(
    result.tokens.map((t) => t.kind),
    ['ID', 'EQ', 'UNTERMINATED_STRING', 'AND', 'ID', 'EOF'],
  );
});

test('the first-character filter never drops a rule that matches (every BMP character, many continuations)', () => {
  const suffixes = [
    '',
    'elect',
    'rom',
    'here',
    'nto',
    'nd',
    'r',
    'ot',
    'rue',
    'alse',
    'ull',
    'ndefined',
    'x',
    '0',
    '9',
    '.5',
    'e3',
    '1.5e-3',
    'x1F',
    '"',
    "'",
    'a"',
    '*',
    '* x */',
    '=',
    '>',
    '|',
    '?',
    '$',
    ' ',
    'body.a[0]',
    '\u0041',
  ];
  const missed = [];
  for (let code = 0; code <= 0xffff; code++) {
    const c = String.fromCharCode(code);
    for (const rule of LEXER_RULES) {
      if (rule.canStart(c)) continue;
      for (const suffix of suffixes)
        if (rule.match(c + suffix, 0) > 0) missed.push(`${rule.kind} at U+${code.toString(16)} before ${JSON.stringify(suffix)}`);
    }
  }
  assert.equal(missed.slice(0, 5), []);
});

test.run();
