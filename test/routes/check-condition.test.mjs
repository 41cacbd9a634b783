// checkCondition: what edgeHub's route compiler rejects (errors) and likely mistakes it accepts (warnings).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCondition, parseCondition } from '../../dist/routes/index.js';

function check(text, source = 'messages') {
  const { expr, errors } = parseCondition(text);
  assert.equal(errors, [], `syntax errors in ${text}`);
  return checkCondition(expr, { source });
}

const problems = (text, source) => check(text, source).map((p) => [p.id, p.severity, p.start, p.length]);

const VALID = [
  "$outputName = 'results'",
  'NOT IS_DEFINED($connectionModuleId)',
  '$body.predictions[0].probability > 0.5',
  "$body.label = 'cat' AND $body.score >= 0.9",
  'as_number(temperature) > 30',
  "temperature > '30'",
  "{$contentType} = 'application/json'",
  "Lower($connectionDeviceId) = 'cam1'",
  "concat('a', 'b', c) = 'abc'",
  "substring(name, 1, 2) = 'ab' OR length(name) = 3",
  'abs(-2) = 2 AND power(2, 3) = 8 AND sqrt(16) = 4 AND floor(1.5) = 1',
  "starts_with($messageSchema, 'v1') AND NOT contains(x, 'y')",
  'is_string(x) AND is_number(1) AND is_bool(true) AND NOT is_null(x)',
  "($inputName ?? 'none') = 'none'",
  '$body.count * 2 > 10',
  "$body.flag AND $outputName = 'x'",
  "'a' || 'b' = 'ab'",
  "$ContentType = 'application/json'",
];

test('valid conditions have no problems', () => {
  for (const text of VALID) assert.equal(problems(text), [], text);
});

/** [text, [[id, severity, start, length], ...]] */
const INVALID = [
  ['lenght($outputName) > 3', [['unknown-function', 'error', 0, 6]]],
  ["'a' + 1 = 'x'", [['operand-types', 'error', 4, 1]]],
  ["'x' > 3", [['operand-types', 'error', 4, 1]]],
  ['temperature > 30', [['operand-types', 'error', 12, 1]]],
  ['lower(1) = 1', [['invalid-arguments', 'error', 0, 5]]],
  ["substring('a')", [['wrong-arity', 'error', 0, 9]]],
  ["concat('a') = 'a'", [['wrong-arity', 'error', 0, 6]]],
  ['$body.a..b = 1', [['invalid-body-path', 'error', 0, 10]]],
  ['$body.0 = 1', [['invalid-body-path', 'error', 0, 7]]],
  ['{$body.a[x]} = 1', [['invalid-body-path', 'error', 1, 10]]],
  ['twin_change_includes(properties.reported.fw)', [['twin-change-only', 'error', 0, 20]]],
  ["NOT $outputName = 'a'", [['operand-types', 'error', 0, 3]]],
  ["$outputName = 'a' AND $body.flag", [['operand-types', 'error', 18, 3]]],
  ['$body.x % 2 = 1', [['unsupported-body-operator', 'error', 8, 1]]],
  ['- $body.x = 1', [['unsupported-body-operator', 'error', 0, 1]]],
  ['$outputName = null', [['operand-types', 'error', 12, 1]]],
  ["'a' ?? 1", [['operand-types', 'error', 4, 2]]],
  // one mistake gives one error: the unknown function does not also make '>' complain
  [
    'lenght(x) > 3 OR foo(1)',
    [
      ['unknown-function', 'error', 0, 6],
      ['unknown-function', 'error', 17, 3],
    ],
  ],
];

test('invalid conditions: edgeHub compile errors with offsets', () => {
  for (const [text, expected] of INVALID) assert.equal(problems(text), expected, text);
});

test('warnings for conditions edgeHub accepts but that cannot do what was meant', () => {
  assert.equal(problems("$outputNme = 'x'"), [['unknown-system-property', 'warning', 0, 10]]);
  assert.equal(problems('TRUE'), [
    ['literal-case', 'warning', 0, 4],
    ['not-boolean', 'warning', 0, 4],
  ]);
  assert.equal(problems("a+1 = '2'"), [['suspicious-name', 'warning', 0, 3]]);
  assert.equal(problems('is_null($body.x)'), [['is-null-body', 'warning', 0, 16]]);
  assert.equal(problems("'abc'"), [['not-boolean', 'warning', 0, 5]]);
  assert.equal(problems('null'), [['not-boolean', 'warning', 0, 4]]);
});

test('did-you-mean suggestions for near-miss function and property names', () => {
  assert.is(check('lenght(x) = 1')[0].hint, "Did you mean 'length'?");
  assert.is(check("STARTSWITH(x, 'a')")[0].hint, "Did you mean 'starts_with'?");
  assert.is(check("$outputNme = 'x'")[0].hint, "Did you mean '$outputName'?");
  assert.is(check("$conectionModuleId = 'x'")[0].hint, "Did you mean '$connectionModuleId'?");
  assert.not.match(check('frobnicate(x) = 1')[0].hint, /Did you mean/);
});

test('hints explain the usual fixes', () => {
  assert.match(check('temperature > 30')[0].hint, /as_number\(temperature\)/);
  assert.match(check("'a' + 'b' = 'ab'")[0].hint, /\|\|/);
  assert.match(check("NOT $outputName = 'a'")[0].hint, /NOT \(/);
});

test('twin_change_includes is allowed for twin change routes, with a checked path', () => {
  assert.equal(problems('twin_change_includes(properties.reported.fw)', 'twinChangeNotifications'), []);
  assert.equal(problems('twin_change_includes(tags.site)', 'twinChangeNotifications'), []);
  assert.equal(problems('twin_change_includes(Properties.Reported.fw)', 'twinChangeNotifications'), [], 'prefixes ignore case');
  assert.equal(
    problems('twin_change_includes(properties.reported.)', 'twinChangeNotifications').map((p) => p[0]),
    ['invalid-twin-path'],
  );
  assert.equal(problems('twin_change_includes(properties.other.x)', 'twinChangeNotifications'), [['invalid-twin-path', 'error', 0, 40]]);
  assert.equal(
    problems("twin_change_includes('properties.reported.fw')", 'twinChangeNotifications').map((p) => p[0]),
    ['invalid-twin-path'],
  );
});

test('function names are case-insensitive; every builtin from the facts file is known', () => {
  const names =
    'abs exp power square ceiling floor sign sqrt as_number is_bool is_defined is_null is_number is_string concat length lower upper substring index_of starts_with ends_with contains'.split(
      ' ',
    );
  for (const name of names) {
    const found = check(`${name.toUpperCase()}()`).filter((p) => p.id === 'unknown-function');
    assert.equal(found, [], name);
  }
});

test.run();
