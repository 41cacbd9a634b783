// The local router: source matching, `when` conditions on $body and properties (edgeHub's grammar), one delivery
// per sink via the best-priority route, module inputs, unrouted and unread counts, and the upstream line format.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMessageBus, formatUpstreamLine } from '../../dist/local/message-bus.js';

const route = (name, from, to, extra = {}) => ({ name, path: ['routes', name], from, to, ...extra });
const fromModule = (module, output = '*') => ({ kind: 'module', module, output });
const upstream = { kind: 'upstream' };

const message = (module, output, body, properties = {}) => ({
  module,
  output,
  body: JSON.stringify(body),
  properties,
  contentType: 'application/json',
  contentEncoding: 'utf-8',
});

test('a sink gets a message once, via the matching route with the best priority', () => {
  const { bus, problems } = createMessageBus(
    [
      route('all', fromModule('cam', 'lines'), upstream, { priority: 5 }),
      route('flagged', fromModule('cam', 'lines'), upstream, { priority: 0, when: "$body.predictions[0].tagName = '180'" }),
    ],
    { deviceId: 'dev1' },
  );
  assert.equal(problems, []);
  const seen = [];
  bus.onUpstream((d) => seen.push([d.route, JSON.parse(d.message.body).predictions[0].tagName]));
  const up = bus.publish(message('cam', 'lines', { predictions: [{ tagName: '180', probability: 0.9 }] }));
  const down = bus.publish(message('cam', 'lines', { predictions: [{ tagName: '0', probability: 0.9 }] }));
  assert.equal(
    up.map((d) => d.route),
    ['flagged'],
  );
  assert.equal(
    down.map((d) => d.route),
    ['all'],
  );
  assert.equal(seen, [
    ['flagged', '180'],
    ['all', '0'],
  ]);
  assert.equal(bus.stats.byRoute, { flagged: 1, all: 1 });
  assert.equal(up[0].systemProperties, {
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    connectionDeviceId: 'dev1',
    connectionModuleId: 'cam',
    outputName: 'lines',
  });
});

test('source matching: other modules and outputs do not match; all-messages matches every module', () => {
  const { bus } = createMessageBus(
    [
      route('camOnly', fromModule('cam', 'lines'), upstream),
      route('toFilter', { kind: 'all-messages' }, { kind: 'module', module: 'filter', input: 'in1' }),
    ],
    { deviceId: 'd' },
  );
  const received = [];
  bus.onInput('filter', (input, d) => received.push([input, d.route, d.message.module]));
  assert.equal(
    bus.publish(message('cam10', 'lines', {})).map((d) => d.route),
    ['toFilter'],
    "'cam' does not match 'cam10'",
  );
  assert.equal(
    bus.publish(message('cam', 'other', {})).map((d) => d.route),
    ['toFilter'],
  );
  assert.equal(
    bus
      .publish(message('cam', 'lines', {}))
      .map((d) => d.route)
      .sort(),
    ['camOnly', 'toFilter'],
  );
  assert.equal(received, [
    ['in1', 'toFilter', 'cam10'],
    ['in1', 'toFilter', 'cam'],
    ['in1', 'toFilter', 'cam'],
  ]);
});

test('conditions use application properties and edgeHub semantics; no match counts as unrouted', () => {
  const { bus } = createMessageBus([route('big', fromModule('cam'), upstream, { when: "frameIndex = '2' OR $body.count > 10" })], {
    deviceId: 'd',
  });
  assert.is(bus.publish(message('cam', 'o', { count: 3 }, { frameIndex: '1' })).length, 0);
  assert.is(bus.publish(message('cam', 'o', { count: 3 }, { frameIndex: '2' })).length, 1);
  assert.is(bus.publish(message('cam', 'o', { count: 11 }, { frameIndex: '1' })).length, 1);
  const notJson = { ...message('cam', 'o', { count: 11 }), contentType: 'text/plain' };
  assert.is(bus.publish(notJson).length, 0, '$body is undefined unless the message says it is JSON');
  assert.is(bus.stats.unrouted, 2);
  assert.is(bus.stats.published, 4);
});

test('deliveries to module inputs nobody reads are counted; the devices-only source never sees module messages', () => {
  const { bus } = createMessageBus(
    [route('toSink', fromModule('cam'), { kind: 'module', module: 'sink', input: 'frames' }), route('leaf', { kind: 'devices' }, upstream)],
    { deviceId: 'd' },
  );
  bus.publish(message('cam', 'o', {}));
  bus.publish(message('cam', 'o', {}));
  assert.equal(bus.stats.unread, { 'sink/frames': 2 });
  assert.is(bus.stats.byRoute.leaf, undefined);
});

test('per route: matched messages, and those matched only because a missing $body field compared as null', () => {
  const { bus } = createMessageBus(
    [
      route('confident', fromModule('cam', 'o'), upstream, { when: '$body.predictions[0].probability >= 0.5' }),
      route('guarded', fromModule('cam', 'o'), upstream, {
        priority: 9,
        when: 'is_number($body.predictions[0].probability) AND $body.predictions[0].probability >= 0.5',
      }),
    ],
    { deviceId: 'd' },
  );
  bus.publish(message('cam', 'o', { predictions: [] }));
  bus.publish(message('cam', 'o', { predictions: [{ probability: 0.9 }] }));
  bus.publish(message('cam', 'o', { predictions: [{ probability: 0.1 }] }));
  bus.publish(message('cam', 'o', { predictions: [{ probability: null }] }));
  // The empty frame and the JSON null both match the unguarded route, each only by null ordering.
  assert.equal(bus.stats.matched, { confident: { matched: 3, byNullOrdering: 2 }, guarded: { matched: 1, byNullOrdering: 0 } });
  // One upstream sink: where both match, 'guarded' (priority 9, before the default) delivers.
  assert.equal(bus.stats.byRoute, { confident: 2, guarded: 1 });
});

test('formatUpstreamLine names the route, priority, source and parsed body', () => {
  const { bus } = createMessageBus([route('r', fromModule('cam'), upstream, { priority: 3 })], { deviceId: 'd' });
  const [d] = bus.publish(message('cam', 'out', { a: 1 }, { frameIndex: '7' }));
  const line = formatUpstreamLine(d);
  assert.ok(line.endsWith('\n'));
  const parsed = JSON.parse(line);
  assert.equal(
    {
      seq: parsed.seq,
      route: parsed.route,
      priority: parsed.priority,
      from: parsed.from,
      properties: parsed.properties,
      body: parsed.body,
    },
    { seq: 1, route: 'r', priority: 3, from: { module: 'cam', output: 'out' }, properties: { frameIndex: '7' }, body: { a: 1 } },
  );
});

test.run();
