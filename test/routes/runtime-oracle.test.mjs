// Three-valued results checked against what edgeHub's routing core computes for the same conditions and message
// (expectations taken from the behaviour of Azure/iotedge's condition compiler). T = true, F = false, U = undefined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCondition, evaluateConditionResult, parseCondition } from '../../dist/routes/index.js';

const message = {
  properties: { key1: 'value1', key2: '3', key3: 'VALUE3', $sys4: 'value4' },
  systemProperties: { sys1: 'sysvalue1', sys2: '4', sys3: 'SYSVALUE3', sys4: 'sysvalue4' },
};

const EXPECTED = {
  T: [
    '3 = 3', '"3" = "3"', "'3' != '4'", 'true = true', 'false != true', 'key2 = "3"', 'as_number(key2) = 3', '$sys2 = \'4\'',
    'as_number($sys2) = 4', '3 <> 4', 'not false', 'not (true and false)', 'true AND true', 'true or false',
    'undefined or true', 'true or undefined', "true or none = 'true'", "none = 'true' or true",
    '(key1 ?? "hello") = "value1"', '(none ?? "hello") = "hello"', '(none ?? none ?? "hello") = "hello"',
    '(as_number(key2) ?? 12.34) = 3', '(as_number(key1) ?? 12.34) = 12.34', '(3 % 0 ?? 12.34) = 12.34',
    '(null and null) = null', '(null and false) = null', '(null and true) = null', 'null or true', '(null or null) = null',
    'not null', '3 + 4 = 7', '(3 + as_number(key2)) = 6', '3 - 4 = -1', '3 * 4 = 12', '3 / 4 = 0.75', '4 % 3 = 1',
    '(3 % as_number(key2)) = 0', '-1 < 0', '-(3 + 4) = -7', '4 < 7', "'a' < 'b'", '7 <= 7', '3 + 4 <= 7', '8 > 7',
    "'b' >= 'a'", 'key1 = "value1"', 'KEY1 = "value1"', 'key1 = "value2" or key1 = "value1"', '$sys4 = "value4"',
    '{$sys4} = "sysvalue4"', '$sys1 = "sysvalue1"', '{ $sys1 } = "sysvalue1"', 'AS_NUMBER("3") = 3',
    "AS_NUMBER('10e10') = 10e10", "AS_NUMBER('10e1000') = 1/0", "AS_NUMBER('10000000000000000000000000') = 1e25",
    'as_number(as_number(4)) * 3 = 12', 'is_bool(true)', 'IS_BOOL(false)', 'is_defined(key1)', 'is_defined(null)',
    'is_defined(as_number("3"))', 'is_defined(10e1000)', 'is_null(null)', 'is_number(12.34)', 'is_number(as_number(key2))',
    "is_string('x')", 'is_string(key1)', "is_string('a' || 'b')", "concat('a', 'b', 'c', 'd') = 'abcd'",
    "concat('a', key1, 'd') = 'avalue1d'", "'a' || 'b' || 'c' || 'd' = 'abcd'", "'a' || key1 || 'd' = 'avalue1d'",
    "length('HELLO') = 5", "LENGTH('') = 0", 'length(key3) = 6', "lower(key3) = 'value3'", "upper(key1) = 'VALUE1'",
    "substring('abc', 1) = 'bc'", "substring(key1, 1) = 'alue1'", "substring('abc', 1, 0) = ''", "SUBSTRING(key1, 1, 1) = 'a'",
    "substring('hello', 0, 5) = 'hello'", "substring('hello', 4, 1) = 'o'", "substring('hello', 4, 0) = ''",
    "index_of('abcdef', 'cd') = 2", "index_of('abc', 'xz') = -1", "index_of('lue1value1', key1) = 4",
    "starts_with('abc', 'ab')", "STARTS_WITH(key1, 'val')", "ends_with('value1value1', key1)", "CONTAINS(key1, 'val')",
    'abs(-12) = 12', 'ABS(as_number(key2)) = 3', 'is_defined(abs(3 / 0))', 'exp(0) = 1', 'abs(exp(1) - 2.718281) < 1e-6',
    'exp(4000) = 3/0', 'power(2, 3) = 8', 'POWER(10, 4000) = 3/0', 'power(as_number(key2), as_number(key2)) = 27',
    'square(as_number(key2)) = 9', 'ceiling(2.1) = 3', 'ceiling(-2.1) = -2', 'floor(-2.1) = -3', 'sign(0) = 0',
    'sign(-2.1) = -1', 'sign(3 / 0) = 1', 'sign(-3 / 0) = -1', 'sqrt(4) = 2', 'abs(sqrt(as_number(key2)) - 1.732050) < 1e-6',
    'is_defined(sqrt(3 / 0))',
  ],
  F: [
    '3 = 4', "'3' = '4'", 'true = false', 'key2 != "3"', 'as_number(key2) = 4', 'is_defined(none = "4")',
    'as_number($sys2) = 3', 'is_defined($none)', 'false', 'not true', 'true AND not true', 'false or false',
    'false and undefined', 'undefined and false', "false and none = 'true'", "none = 'true' and false",
    'null and null', 'null or false', 'null', 'is_defined(3 + as_number(none))', 'is_defined(3 % 0)', 'is_defined(-undefined)',
    '7 < 7', "'a' < 'a'", '8 <= 7', '3 + 4 > 7', "'a' >= 'b'", 'key1 = "value2"', 'is_bool(12.34)', "is_bool('x')",
    'is_bool(none)', 'is_defined(undefined)', 'is_defined(key4)', 'is_defined(undefined and true)',
    'is_defined(as_number("apple"))', 'is_null(12.34)', 'is_null(true)', 'is_null(3 / 0)', 'is_null(none)',
    'is_number(true)', 'is_number(3 / 0)', 'is_number(as_number(key1))', 'is_string(12.34)', 'is_string(none)',
    "is_defined(concat('a', none, 'd'))", "is_defined('a' || none || 'd')", 'is_defined(length(none))',
    "SUBSTRING('abc', 3) = 'c'", "starts_with('abc', 'xz')", "contains('abc', key1)",
    'is_defined(abs(as_number(key1)))', 'is_defined(exp(3 % 0))', 'is_defined(power(2, 3 % 0))',
  ],
  U: [
    '3', "'a string'", 'undefined', 'as_number(none) = 3', 'as_number($none) = 3', 'none != "4"', 'as_number(none) <> 3',
    'undefined or false', 'false or undefined', 'undefined or undefined', 'true and undefined', 'undefined and undefined',
    'undefined < undefined', "false or none = 'true'", "none = 'true' or false", "none = 'true' or none2 = 'true'",
    "true and none = 'true'", "none = 'true' and true", "not (none = 'true')", 'undefined ?? undefined',
    '(none ?? none) = "value"', '3 < as_number(none)', "'a' < none", 'none = "value1"', 'as_number(key1) = 3',
    'as_number(key3) * 3 = 9', "SUBSTRING('abc', 4) = 'c'", "substring('abc', -1) = ''", "substring('abc', 1 % 0) = ''",
    "substring(none, 1) = 'a'", "substring('abc', -1, 0) = ''", "substring('abc', 1, -2) = ''", "index_of(none, '1') = 0",
    "starts_with(none, '1')", "contains(none, '1')", 'SQRT(-4) = -2',
  ],
};

test('conditions evaluate to the same true / false / undefined as edgeHub', () => {
  const want = { T: true, F: false, U: undefined };
  let count = 0;
  for (const [label, conditions] of Object.entries(EXPECTED)) {
    for (const condition of conditions) {
      const { expr, errors } = parseCondition(condition);
      assert.equal(errors, [], `syntax errors in ${condition}`);
      assert.equal(checkCondition(expr, { source: 'messages' }).filter((p) => p.severity === 'error'), [], `edgeHub compiles ${condition}`);
      assert.is(evaluateConditionResult(expr, message), want[label], `${condition} should be ${label}`);
      count++;
    }
  }
  assert.ok(count > 200);
});

// Conditions edgeHub's compiler rejects: each must give at least one error from parseCondition or checkCondition.
const REJECTED = [
  'is_defined(3 + none)', 'is_defined(true + 3)', 'is_defined(3 + undefined)', "is_defined('a' + 'b')", 'is_defined(undefined - undefined)',
  'is_defined(3 * true)', "is_defined('a' / 'b')", 'is_defined(undefined % 3)', 'is_defined(3 = none)', 'is_defined(3 <> none)',
  'is_defined(3 <= none.key1.key2)', 'key1 ?? "hello" = "value1"', '(key1 ?? 12.34)', '(12.34 ?? key1)', '(as_number(key2) ?? key1)',
  '(key1 ?? null)', '(null && key1)', '(key1 ?? true)', "concat() = 'x'", "concat('a') = 'x'", "concat(3) = 'x'",
  "concat('a', null) = 'x'", "concat('a', undefined) = 'x'", "concat('a', true) = 'x'", "'a' || null = 'x'", "'a' || true = 'x'",
  "length(12.34) = 'hello'", "length(null) = 'hello'", "lower(undefined) = 'x'", "upper(true) = 'x'", "substring() = 'x'",
  "substring('hello') = 'x'", "substring('hello', 'a') = 'x'", "substring(12.34) = 'x'", 'index_of()', "index_of('hello', 'a', 'b')",
  "index_of('hello', 12.34)", "index_of(null, 'hello')", "starts_with(true, 'hello')", "ends_with('hello', undefined)",
  'contains(true, true)', 'is_defined(abs(null))', 'is_defined(abs(key1))', 'is_defined(abs(3, 4))', 'is_defined(power(key1, 2))',
  'is_defined(power(2, 3, 4))', 'is_defined(square(true))', 'is_defined(ceiling(undefined))', 'is_defined(floor(3, 3))',
  'is_defined(sign(key1))', 'is_defined(sqrt(null))', 'test == true', 'true == test', 'none = "', 'none and true',
  'undefined and "hello"', 'none or true', '- (key1)', 'is_defined(not key1)',
];

test('conditions edgeHub rejects are reported as errors', () => {
  for (const condition of REJECTED) {
    const { expr, errors } = parseCondition(condition);
    const problems = expr ? checkCondition(expr, { source: 'messages' }).filter((p) => p.severity === 'error') : errors;
    assert.ok(problems.length > 0, `expected an error for ${condition}`);
  }
});

test.run();
