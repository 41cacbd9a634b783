// parseCondition: the shape of the tree (precedence, associativity, node kinds) and syntax errors with offsets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCondition, parseCondition } from '../../dist/routes/index.js';

/** Renders a tree with explicit parentheses so precedence is visible. */
function show(e) {
  switch (e.kind) {
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'group':
      return `[${show(e.expr)}]`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')})`;
    case 'sysProperty':
      return e.escaped ? `{${e.name}}` : e.name;
    case 'property':
      return `@${e.name}`;
    default:
      return e.raw;
  }
}

function tree(text) {
  const result = parseCondition(text);
  assert.equal(result.errors, [], `unexpected errors for ${text}`);
  return show(result.expr);
}

test('precedence: ?? < OR < AND < equality < comparison < additive < multiplicative < unary', () => {
  assert.is(tree('a = 1 OR b = 2 AND c = 3'), '((@a = 1) OR ((@b = 2) AND (@c = 3)))');
  assert.is(tree('a = 1 AND b = 2 OR c = 3'), '(((@a = 1) AND (@b = 2)) OR (@c = 3))');
  assert.is(tree("x ?? y = 'a' OR z"), "(@x ?? ((@y = 'a') OR @z))");
  assert.is(tree('1 + 2 * 3 < 10 = true'), '(((1 + (2 * 3)) < 10) = true)');
  assert.is(tree("'a' || 'b' = 'ab'"), "(('a' || 'b') = 'ab')");
  assert.is(tree('a <> 1 AND b != 2'), '((@a <> 1) AND (@b != 2))');
  assert.is(tree('1 + 2 >= 3'), '((1 + 2) >= 3)');
});

test('binary operators are left-associative', () => {
  assert.is(tree('10 - 4 - 3 = 3'), '(((10 - 4) - 3) = 3)');
  assert.is(tree('8 / 4 / 2 = 1'), '(((8 / 4) / 2) = 1)');
  assert.is(tree('a ?? b ?? c'), '((@a ?? @b) ?? @c)');
});

test('NOT and unary minus bind tighter than every binary operator', () => {
  assert.is(tree("NOT $x = 'a'"), "((NOT $x) = 'a')");
  assert.is(tree("NOT ($x = 'a')"), "(NOT [($x = 'a')])");
  assert.is(tree('- a * b'), '((- @a) * @b)');
  assert.is(tree('NOT NOT is_defined($x)'), '(NOT (NOT is_defined($x)))');
  assert.is(tree('not a and b'), '((NOT @a) AND @b)');
});

test('primaries: literals, properties, escaped system properties, calls, body paths', () => {
  assert.is(tree('$body.predictions[0].probability > 0.5'), '($body.predictions[0].probability > 0.5)');
  assert.is(tree("{$contentType} = 'application/json'"), "({$contentType} = 'application/json')");
  assert.is(tree('concat(a, "b", lower($c)) = \'x\''), '(concat(@a, "b", lower($c)) = \'x\')');
  assert.is(tree('is_defined(undefined) OR null = null'), '(is_defined(undefined) OR (null = null))');
  assert.is(tree('0xff = 255'), '(0xff = 255)');
  assert.is(tree('f()'), 'f()');
  assert.is(tree('x = -1'), '(@x = -1)');
  assert.is(tree('a /* the output */ = /* one */ 1'), '(@a = 1)');
});

test('literal values: numbers are doubles, hex is signed 64-bit, strings are unescaped', () => {
  const literal = (text) => parseCondition(text).expr;
  assert.is(literal('0x10').value, 16);
  assert.is(literal('0xFFFFFFFFFFFFFFFF').value, -1);
  assert.ok(Number.isNaN(literal('0x1FFFFFFFFFFFFFFFF').value));
  assert.is(literal('1.5e2').value, 150);
  assert.ok(Number.isNaN(literal('e5').value), "'e5' lexes as a real that edgeHub cannot parse");
  assert.is(literal("'a\\'b'").value, "a'b");
  assert.is(literal('true').value, true);
});

test('every node carries start/length offsets into the text', () => {
  const text = "  $outputName = 'out1' AND lower(x) = 'y'";
  const { expr } = parseCondition(text);
  assert.is(text.slice(expr.start, expr.start + expr.length), "$outputName = 'out1' AND lower(x) = 'y'");
  assert.is(text.slice(expr.opStart, expr.opStart + expr.opLength), 'AND');
  const call = expr.right.left;
  assert.is(call.kind, 'call');
  assert.is(text.slice(call.start, call.start + call.length), 'lower(x)');
  assert.is(call.nameStart, 27);
  const literal = expr.left.right;
  assert.equal([literal.start, literal.length], [16, 6]);
});

/** [text, [[id, start, length], ...]] */
const INVALID = [
  ['', [['empty-condition', 0, 0]]],
  ['a AND', [['expected-expression', 2, 3]]],
  ['a = ', [['expected-expression', 2, 1]]],
  ['a = )', [['expected-expression', 4, 1]]],
  ['(a = 1', [['missing-close-paren', 0, 1]]],
  ['(a = 1))', [['unmatched-close-paren', 7, 1]]],
  ['as_number("2")) = 24', [['unmatched-close-paren', 14, 1]]],
  ["x = 'abc", [['unterminated-string', 4, 4]]],
  ["x = 'a\\tb'", [['invalid-escape', 6, 2]]],
  ['f(a,)', [['expected-expression', 4, 1]]],
  ['f(a', [['missing-close-paren', 0, 2]]],
  ['a @ b', [['unexpected-character', 2, 1]]],
  ['@a = 1', [['unexpected-character', 0, 1]]],
  ['a[0] = 1', [['invalid-name', 0, 4]]],
  ['from = 1', [['reserved-word', 0, 4]]],
  ['a = 1 b = 2', [['unexpected-token', 6, 1]]],
  ['x -1', [['unexpected-token', 2, 2]]],
  ['()', [['expected-expression', 0, 2]]],
  ['{x} = 1', [['expected-sys-prop', 0, 2]]],
  ['{$x = 1', [['missing-close-brace', 0, 3]]],
  ['NOT', [['expected-expression', 0, 3]]],
  // independent mistakes are all reported, without cascades
  [
    "(a = 1)) OR b = 'x",
    [
      ['unmatched-close-paren', 7, 1],
      ['unterminated-string', 16, 2],
    ],
  ],
  [
    "a = 'x\\q' AND b @ c",
    [
      ['invalid-escape', 6, 2],
      ['unexpected-character', 16, 1],
    ],
  ],
];

test('invalid conditions: one error per mistake, at the right offset, and no tree', () => {
  for (const [text, expected] of INVALID) {
    const result = parseCondition(text);
    assert.equal(
      result.errors.map((e) => [e.id, e.start, e.length]),
      expected,
      `errors for ${JSON.stringify(text)}`,
    );
    assert.is(result.expr, undefined, `no tree for ${JSON.stringify(text)}`);
    for (const e of result.errors) {
      assert.is(e.severity, 'error');
      assert.match(e.message, /^[A-Z'].*\.$/, `one sentence: ${e.message}`);
    }
  }
});

test('error offsets match the ones edgeHub reports for the same mistakes', () => {
  const first = (text) => {
    const { expr, errors } = parseCondition(text);
    const all = expr ? checkCondition(expr, { source: 'messages' }) : errors;
    return [all[0].start, all[0].length];
  };
  assert.equal(first("3 + '4' = 7"), [2, 1]); // operand error at the operator
  assert.equal(first('as_number(true) = true'), [0, 9]); // argument error at the function name
  assert.equal(first('nope(true) = true'), [0, 4]); // unknown function
  assert.equal(first('(2 + 22 = 24'), [0, 1]); // missing ')' at the '('
  assert.equal(first('(2 + 22 )) = 24'), [9, 1]); // unmatched ')'
  assert.equal(first('"2 = 24'), [0, 7]); // unterminated string
  assert.equal(first('3 = @ 3'), [4, 1]); // invalid symbol
});

test('messages are friendly and name what was expected', () => {
  const message = (text) => parseCondition(text).errors[0].message;
  assert.is(message('a AND'), "Expected an expression after 'AND'.");
  assert.is(message("'abc"), 'Unterminated string.');
  assert.is(message('(a))'), "Unexpected ')'.");
  assert.ok(parseCondition('x -1').errors[0].hint.includes("'- 1'"));
});

test('a decimal comma is reported with the decimal-point rewrite, not "remove it" (which would leave 08)', () => {
  const [problem] = parseCondition('$body.confidence >= 0,8').errors;
  assert.is(problem.id, 'unexpected-token');
  assert.equal([problem.start, problem.length], [21, 1]);
  assert.ok(problem.hint.includes("'0.8'"), problem.hint);
  assert.ok(parseCondition('$body.confidence >= 0.8').errors.length === 0, 'the suggested rewrite parses');
  // A comma with spaces around it is not a decimal comma.
  assert.not.ok(parseCondition('$body.x >= 0 , 8').errors[0].hint.includes("'0.8'"));
});

test.run();
