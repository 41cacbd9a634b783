// Invariants over many generated inputs: the route modules never throw on user text, every problem points inside
// the text, and a clean parse always yields a tree whose spans lie inside the text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCondition, evaluateCondition, parseCondition, parseRoute } from '../../dist/routes/index.js';

// A small deterministic generator (mulberry32) so failures are reproducible.
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'temperature',
  '$outputName',
  '$body.x',
  '$body.a[0].b',
  '{$contentType}',
  '$body.',
  '1',
  '-2',
  '0x1F',
  '1.5e3',
  'e5',
  "'s'",
  '"d"',
  "'un",
  'true',
  'false',
  'null',
  'undefined',
  'TRUE',
  '(',
  ')',
  '(',
  ')',
  ',',
  '{',
  '}',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '<',
  '<=',
  '>',
  '>=',
  '=',
  '!=',
  '<>',
  'AND',
  'or',
  'NOT',
  '??',
  '@',
  ';',
  '[',
  ']',
  'lower(',
  'concat(',
  'is_defined(',
  'as_number(',
  'substring(',
  'twin_change_includes(',
  'nosuch(',
  '/*c*/',
  '/*',
  '*/',
  '\\',
  'FROM',
  'INTO',
  ' ',
  ' ',
  ' ',
];

function generate(next, maxPieces) {
  const count = 1 + Math.floor(next() * maxPieces);
  let text = '';
  for (let i = 0; i < count; i++) text += PIECES[Math.floor(next() * PIECES.length)] + (next() < 0.7 ? ' ' : '');
  return text;
}

function assertInside(text, item, label) {
  assert.ok(Number.isInteger(item.start) && Number.isInteger(item.length), `${label}: integer offsets in ${JSON.stringify(text)}`);
  assert.ok(
    item.start >= 0 && item.length >= 0 && item.start + item.length <= text.length,
    `${label} [${item.start}, ${item.length}] inside ${JSON.stringify(text)}`,
  );
}

function walk(expr, visit) {
  visit(expr);
  for (const child of [expr.left, expr.right, expr.operand, expr.expr, ...(expr.args ?? [])]) if (child) walk(child, visit);
}

const message = {
  systemProperties: { outputName: 'o', contentType: 'application/json', contentEncoding: 'utf-8' },
  properties: { a: '1', temperature: '20' },
  body: JSON.stringify({ x: 2, a: [{ b: 'c' }] }),
};

test('conditions: no throws, problems inside the text, clean trees inside the text', () => {
  const next = rng(20261125);
  let clean = 0;
  for (let i = 0; i < 3000; i++) {
    const text = generate(next, 9);
    const parsed = parseCondition(text);
    for (const e of parsed.errors) assertInside(text, e, e.id);
    if (!parsed.expr) {
      assert.ok(parsed.errors.length > 0, `no tree means an error: ${JSON.stringify(text)}`);
      continue;
    }
    clean++;
    walk(parsed.expr, (node) => assertInside(text, node, node.kind));
    for (const p of checkCondition(parsed.expr, { source: 'messages' })) assertInside(text, p, p.id);
    assert.type(evaluateCondition(parsed.expr, message), 'boolean');
  }
  assert.ok(clean > 100, `enough generated conditions parse cleanly to test the checker (${clean})`);
});

test('routes: no throws and problems inside the text', () => {
  const next = rng(7);
  for (let i = 0; i < 1500; i++) {
    const text = `FROM /messages/${next() < 0.5 ? '*' : 'modules/m/outputs/o'} WHERE ${generate(next, 6)} INTO ${next() < 0.5 ? '$upstream' : 'BrokeredEndpoint("/modules/n/inputs/i")'}`;
    const parsed = parseRoute(text);
    for (const e of parsed.errors) assertInside(text, e, e.id);
  }
});

test('very deep nesting is one error, not a stack overflow', () => {
  const deep = `${'('.repeat(5000)}a = 1${')'.repeat(5000)}`;
  assert.equal(
    parseCondition(deep).errors.map((e) => e.id),
    ['nesting-too-deep'],
  );
  const nots = `${'NOT '.repeat(5000)}true`;
  assert.equal(
    parseCondition(nots).errors.map((e) => e.id),
    ['nesting-too-deep'],
  );
  const fine = `${'('.repeat(50)}a = '1'${')'.repeat(50)}`;
  const { expr } = parseCondition(fine);
  assert.ok(expr);
  assert.ok(evaluateCondition(expr, message));
});

test.run();
