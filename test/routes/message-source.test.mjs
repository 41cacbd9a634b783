// sourceMatches / messageSourceOf (edgeHub's prefix match of route sources) and route identifier rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isValidRouteIdentifier, messageSourceOf, routeIdentifierProblem, sourceMatches } from '../../dist/routes/index.js';

const m1Results = messageSourceOf({ moduleId: 'm1', outputName: 'results' });
const m1NoOutput = messageSourceOf({ moduleId: 'm1' });
const m10Results = messageSourceOf({ moduleId: 'm10', outputName: 'results' });
const leaf = messageSourceOf({});
const twin = messageSourceOf({ twinChange: true, moduleId: 'm1' });

test('messageSourceOf: twin change first, then module (with output), else device telemetry', () => {
  assert.is(m1Results, '/messages/modules/m1/outputs/results');
  assert.is(m1NoOutput, '/messages/modules/m1');
  assert.is(leaf, '/messages');
  assert.is(twin, '/twinChangeNotifications');
});

/** [route source, message source, matches] */
const CASES = [
  ['/messages/modules/m1/*', m1Results, true],
  ['/messages/modules/m1/*', m1NoOutput, true],
  ['/messages/modules/m1/*', m10Results, false],
  ['/messages/modules/m1', m10Results, false],
  ['/messages/modules/m1/outputs/*', m1Results, true],
  ['/messages/modules/m1/outputs/*', m1NoOutput, false],
  ['/messages/modules/m1/outputs/results', m1Results, true],
  ['/messages/modules/m1/outputs/result', m1Results, false],
  ['/messages/modules/M1/OUTPUTS/Results', m1Results, true],
  ['/messages/modules/*', m1Results, true],
  ['/messages/modules/*', leaf, false],
  ['/messages/*', m1Results, true],
  ['/messages/*', leaf, true],
  ['/messages/*', twin, false],
  ['/messages', leaf, true],
  ['/*', twin, true],
  ['/*', leaf, true],
  ['/twinChangeNotifications', twin, true],
  ['/twinChangeNotifications', leaf, false],
  ['  /messages/modules/m1/outputs/results/  ', m1Results, true],
];

test('sourceMatches: trailing * stripped, case-insensitive prefix with a trailing /', () => {
  for (const [route, source, expected] of CASES) assert.is(sourceMatches(route, source), expected, `${route} vs ${source}`);
});

test('route identifiers: the GrammarLexer ID rule, plus names the lexer would read as something else', () => {
  for (const name of ['m1', 'camera-capture', 'detector_v2', 'a.b', 'Ünïcode', 'x+y']) assert.ok(isValidRouteIdentifier(name), name);
  for (const c of '()<>@,;:\\"/[]?={}') assert.not.ok(isValidRouteIdentifier(`a${c}b`), `a${c}b`);
  for (const name of [
    '',
    'a b',
    'tab\there',
    'new\nline',
    'from',
    'AND',
    'true',
    'null',
    '123',
    '0x1f',
    '1.5',
    'e5',
    '$edgeHub',
    '*x',
    "'q'",
  ]) {
    assert.not.ok(isValidRouteIdentifier(name), JSON.stringify(name));
    assert.type(routeIdentifierProblem(name), 'string');
  }
  assert.match(routeIdentifierProblem('from'), /keyword/);
  assert.match(routeIdentifierProblem('123'), /number/);
  assert.match(routeIdentifierProblem('a/b'), /'\/'/);
  assert.match(routeIdentifierProblem('a b'), /whitespace/);
});

test.run();
