// evaluateCondition: edgeHub's runtime semantics on realistic messages (scoring results, leaf telemetry, twins).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCondition, evaluateCondition, evaluateConditionResult, parseCondition } from '../../dist/routes/index.js';

const json = (value) => new TextEncoder().encode(JSON.stringify(value));

/** What the scoring module sends on its 'results' output. */
const scoringResult = {
  systemProperties: {
    connectionDeviceId: 'edge-01',
    connectionModuleId: 'detector',
    outputName: 'results',
    contentType: 'application/json',
    contentEncoding: 'utf-8',
  },
  properties: { model: 'squeezenet', 'Frame-Id': '42', temperature: '31.5' },
  body: json({
    predictions: [
      { label: 'cat', probability: 0.82 },
      { label: 'dog', probability: 0.1 },
    ],
    count: 2,
    ok: true,
    note: null,
    box: { x: 1 },
  }),
};

/** Telemetry from a leaf device: no module id, properties only. */
const leafTelemetry = {
  systemProperties: { connectionDeviceId: 'sensor-7' },
  properties: { level: 'high' },
  body: 'not json',
};

function routes(condition, message = scoringResult) {
  const { expr, errors } = parseCondition(condition);
  assert.equal(errors, [], `syntax errors in ${condition}`);
  return evaluateCondition(expr, message);
}

const withSystem = (changes) => ({ ...scoringResult, systemProperties: { ...scoringResult.systemProperties, ...changes } });
const withoutSystem = (...names) => {
  const systemProperties = { ...scoringResult.systemProperties };
  for (const name of names) delete systemProperties[name];
  return { ...scoringResult, systemProperties };
};

test('$body paths read JSON bodies when contentType and contentEncoding say so', () => {
  assert.ok(routes('$body.predictions[0].probability > 0.5'));
  assert.not.ok(routes('$body.predictions[0].probability > 0.9'));
  assert.ok(routes("$body.predictions[1].label = 'dog'"));
  assert.ok(routes('$body.ok AND $body.count = 2'));
  // edgeHub rejects a $body value on the right of AND (see check-condition tests), so this never routes
  assert.not.ok(routes('$body.count = 2 AND $body.ok'));
});

test('without contentType application/json or a utf-8/16/32 contentEncoding, $body is undefined and nothing routes', () => {
  const condition = '$body.predictions[0].probability > 0.5';
  assert.not.ok(routes(condition, withoutSystem('contentType')));
  assert.not.ok(routes(condition, withoutSystem('contentEncoding')));
  assert.not.ok(routes(condition, withoutSystem('contentType', 'contentEncoding')));
  assert.not.ok(routes(condition, withSystem({ contentType: 'text/plain' })));
  assert.not.ok(routes(condition, withSystem({ contentEncoding: 'latin1' })));
  // undefined stays undefined under NOT: the negation does not route either
  assert.not.ok(routes(`NOT (${condition})`, withoutSystem('contentType')));
  // both names and values are matched case-insensitively
  assert.ok(routes(condition, withSystem({ contentType: 'Application/JSON', contentEncoding: 'UTF-8' })));
});

test('utf-16 and utf-32 bodies are decoded', () => {
  const text = JSON.stringify({ label: 'cät' });
  const utf16 = new Uint8Array(Buffer.from(text, 'utf16le'));
  const utf32 = new Uint8Array(text.length * 4);
  [...text].forEach((c, i) => new DataView(utf32.buffer).setUint32(i * 4, c.codePointAt(0), true));
  assert.ok(routes("$body.label = 'cät'", { ...withSystem({ contentEncoding: 'utf-16' }), body: utf16 }));
  assert.ok(routes("$body.label = 'cät'", { ...withSystem({ contentEncoding: 'utf-32' }), body: utf32 }));
});

test('bodies that are not a JSON object make $body undefined', () => {
  assert.not.ok(routes('is_defined($body.x)', { ...scoringResult, body: '[1, 2]' }));
  assert.not.ok(routes('is_defined($body.x)', { ...scoringResult, body: '{oops' }));
  assert.not.ok(routes('is_defined($body.x)', { ...scoringResult, body: undefined }));
  assert.ok(routes('is_defined($body.count)'));
});

test('$body paths that reach an object are undefined; paths that find nothing are null', () => {
  assert.not.ok(routes('is_defined($body.box)'));
  assert.ok(routes('is_defined($body.nothing_here)'));
  assert.ok(routes('$body.nothing_here = null'));
  assert.ok(routes('$body.note = null'));
  assert.ok(routes('$body.predictions[5].label = null'));
  // edgeHub orders values of different types by type, so a missing field compares greater than any number
  assert.ok(routes('$body.nothing_here > 0.5'));
});

test('comparisons of $body values of different runtime types are false for =, true for !=', () => {
  assert.not.ok(routes("$body.count = '2'"));
  assert.ok(routes("$body.count != '2'"));
});

test('is_null on $body follows the runtime: true for any present value, false for a missing one', () => {
  assert.ok(routes('is_null($body.count)'));
  assert.ok(routes('is_null($body.note)'));
  assert.not.ok(routes('is_null($body.nothing_here)'));
});

test('a bare name is an application property, matched case-insensitively; $name falls back to system properties', () => {
  assert.ok(routes("model = 'squeezenet'"));
  assert.ok(routes("MODEL = 'squeezenet'"));
  assert.ok(routes("$outputName = 'results'"));
  assert.ok(routes("$OUTPUTNAME = 'results'"));
  assert.not.ok(routes("outputName = 'results'"), 'a bare name never reads system properties');
});

test('an application property literally named $name wins over the system property; {$name} forces the system one', () => {
  const message = { ...scoringResult, properties: { ...scoringResult.properties, $outputName: 'shadow', '$body.count': '7' } };
  assert.ok(routes("$outputName = 'shadow'", message));
  assert.ok(routes("{$outputName} = 'results'", message));
  assert.ok(routes("$body.count = '7'", message));
  assert.ok(routes('{$body.count} = 2', message));
});

test('leaf-device traffic: NOT IS_DEFINED($connectionModuleId)', () => {
  assert.ok(routes('NOT IS_DEFINED($connectionModuleId)', leafTelemetry));
  assert.not.ok(routes('NOT IS_DEFINED($connectionModuleId)', scoringResult));
});

test('three-valued logic: undefined AND false is false, undefined OR true is true, otherwise undefined', () => {
  assert.ok(routes("missing = 'a' OR true"));
  assert.not.ok(routes("missing = 'a' OR false"));
  assert.not.ok(routes("NOT (missing = 'a' AND false) AND NOT (missing = 'a')"));
  assert.ok(routes("NOT (missing = 'a' AND false)"));
  assert.not.ok(routes("missing = 'a'"));
  assert.not.ok(routes("NOT (missing = 'a')"));
  assert.not.ok(routes("missing != 'a'"), 'undefined is never unequal either');
});

test('null: null = null is true, null AND x is null (not routed), null OR x is x', () => {
  assert.ok(routes('null = null'));
  assert.not.ok(routes('null AND true'));
  assert.ok(routes('null OR true'));
  assert.not.ok(routes('null OR false'));
  assert.ok(routes('NOT null'));
});

test('numbers are doubles: properties convert with as_number; hex and reals compare by value', () => {
  assert.ok(routes('as_number(temperature) > 30'));
  assert.ok(routes('as_number(temperature) = 31.5'));
  assert.not.ok(routes('as_number(model) > 0'), 'a non-number string gives undefined');
  assert.ok(routes('0x10 = 16 AND 1.5e1 = 15 AND 7 % 4 = 3 AND 1 / 0 > 1000000'));
  assert.ok(routes('-2 * 3 = -6 AND - 2 = -2'));
  assert.not.ok(routes('temperature > 30'), 'string vs number does not compile in edgeHub, so it never routes');
});

test('?? picks the left value when it is defined', () => {
  assert.ok(routes("($inputName ?? 'none') = 'none'"));
  assert.ok(routes("($outputName ?? 'none') = 'results'"));
  assert.ok(routes('($body.nothing ?? 5) = null'), 'a missing $body field is null, which is defined');
});

test('string functions', () => {
  assert.ok(routes("upper(model) = 'SQUEEZENET' AND lower('AB') = 'ab'"));
  assert.ok(routes("substring(model, 7) = 'net' AND substring(model, 0, 3) = 'squ'"));
  assert.not.ok(routes("substring(model, 20) = ''"), 'start past the end is undefined');
  assert.ok(routes("index_of(model, 'net') = 7 AND length(model) = 10"));
  assert.ok(routes("starts_with($connectionDeviceId, 'edge') AND ends_with(model, 'net') AND contains(model, 'eez')"));
  assert.ok(routes("concat(model, '-', $outputName) = 'squeezenet-results' AND model || '!' = 'squeezenet!'"));
  assert.ok(routes('length($body.predictions[0].label) = 3'));
});

test('math and type functions', () => {
  assert.ok(routes('abs(-2) = 2 AND power(2, 10) = 1024 AND square(3) = 9 AND sqrt(16) = 4'));
  assert.ok(routes('ceiling(1.2) = 2 AND floor(1.8) = 1 AND sign(-5) = -1 AND exp(0) = 1'));
  assert.not.ok(routes('sqrt(-1) = sqrt(-1)'), 'NaN is undefined');
  assert.ok(routes('is_number($body.count) AND is_string(model) AND is_bool($body.ok) AND NOT is_number(model)'));
  assert.ok(routes('is_defined(model) AND NOT is_defined(nothing) AND NOT is_defined(undefined)'));
  assert.ok(routes("round_trip = '1' OR true"), 'an unknown property does not stop an OR with true');
});

test('conditions edgeHub would reject never route', () => {
  assert.not.ok(routes('nosuchfunction(model) OR true'));
  assert.not.ok(routes('twin_change_includes(properties.reported.fw)'));
});

test('twin change notifications: twin_change_includes reads the notification body', () => {
  const twin = {
    systemProperties: {
      messageType: 'twinChangeNotification',
      connectionDeviceId: 'edge-01',
      contentType: 'application/json',
      contentEncoding: 'utf-8',
    },
    properties: {},
    body: json({ properties: { reported: { fw: '1.2', nothing: null } }, version: 3 }),
  };
  assert.ok(routes('twin_change_includes(properties.reported.fw)', twin));
  assert.ok(routes('twin_change_includes(properties.reported.nothing)', twin));
  assert.not.ok(routes('twin_change_includes(properties.reported.other)', twin));
  // the routing core reads every body through contentType/contentEncoding, twin notifications included
  const bare = { ...twin, systemProperties: { messageType: 'twinChangeNotification' } };
  assert.not.ok(routes('twin_change_includes(properties.reported.fw)', bare));
  assert.not.ok(routes('NOT twin_change_includes(properties.reported.fw)', bare), 'undefined, not false');
});

test('twin_change_includes matches edgeHub on a reported-properties notification', () => {
  const twin = {
    systemProperties: { messageType: 'twinChangeNotification', contentType: 'application/json', contentEncoding: 'UTF-8' },
    properties: {},
    body: json({ properties: { reported: { WeatherTwin: { Temperature: 50, Location: { City: 'Redmond' } }, $version: 4 } } }),
  };
  const result = (condition) => evaluateConditionResult(parseCondition(condition).expr, twin);
  assert.is(result('TWIN_CHANGE_INCLUDES(properties.reported.WeatherTwin)'), true, 'an object counts as included');
  assert.is(
    result(
      'twin_change_includes(properties.reported.WeatherTwin.Location.City) AND twin_change_includes(properties.reported.WeatherTwin.Temperature) = true',
    ),
    true,
  );
  assert.is(
    result(
      'twin_change_includes(properties.reported.WeatherTwin.Location.City) AND Not(twin_change_includes(properties.reported.WeatherTwin.Temperature123))',
    ),
    true,
  );
  assert.is(result('twin_change_includes(properties.desired.WeatherTwin)'), false);
  assert.is(
    evaluateConditionResult(parseCondition('twin_change_includes(properties.reported.WeatherTwin)').expr, {
      ...twin,
      body: 'random message',
    }),
    undefined,
  );
  for (const bad of [
    'twin_change_includes()',
    'twin_change_includes(properties.)',
    'twin_change_includes(123123)',
    'twin_change_includes(properties.abcd123)',
    'twin_change_includes(123abc)',
    'twin_change_includes(properties.desired.twin,,)',
    'twin_change_includes(properties[0])',
    'twin_change_includes(properties.desired.twin[0].test1)',
    'twin_change_includes(properties[123].props11, abc)',
  ]) {
    const { expr, errors } = parseCondition(bad);
    const problems = expr ? checkCondition(expr, { source: 'twinChangeNotifications' }).filter((p) => p.severity === 'error') : errors;
    assert.ok(problems.length > 0, bad);
  }
});

test('$body.predictions[0].probability > 0.5 on a string body with the right headers', () => {
  const message = { ...scoringResult, body: JSON.stringify({ predictions: [{ probability: 0.6 }] }) };
  assert.ok(routes('$body.predictions[0].probability > 0.5', message));
});

test.run();
