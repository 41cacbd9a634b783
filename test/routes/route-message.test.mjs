// compileRoute / routeMessage: which sinks a message reaches, once per sink, best priority first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRoute, DEFAULT_ROUTE_PRIORITY, formatRoute, messageSourceOf, routeMessage } from '../../dist/routes/index.js';

const json = (value) => new TextEncoder().encode(JSON.stringify(value));

function compile(name, text, options) {
  const { route, problems } = compileRoute(name, text, options);
  assert.ok(route, `${name} should compile: ${JSON.stringify(problems)}`);
  return route;
}

const detectorToHub = compile(
  'detectorToHub',
  formatRoute({
    source: { kind: 'module', module: 'detector', output: 'results' },
    sink: { kind: 'upstream' },
    when: '$body.predictions[0].probability > 0.5',
  }),
  { priority: 1, timeToLiveSecs: 60 },
);
const everythingToHub = compile('everythingToHub', formatRoute({ source: { kind: 'all-messages' }, sink: { kind: 'upstream' } }), {
  priority: 5,
});
const captureToDetector = compile(
  'captureToDetector',
  formatRoute({
    source: { kind: 'module', module: 'capture', output: '*' },
    sink: { kind: 'module', module: 'detector', input: 'frames' },
  }),
);
const leafToHub = compile('leafToHub', formatRoute({ source: { kind: 'devices' }, sink: { kind: 'upstream' } }), { priority: 0 });
const routes = [everythingToHub, detectorToHub, captureToDetector, leafToHub];

const detectorMessage = (probability) => ({
  systemProperties: { connectionModuleId: 'detector', outputName: 'results', contentType: 'application/json', contentEncoding: 'utf-8' },
  properties: {},
  body: json({ predictions: [{ label: 'cat', probability }] }),
});

test('compileRoute keeps source, condition, sink, priority and TTL; default priority is the lowest', () => {
  assert.is(detectorToHub.source, '/messages/modules/detector/outputs/results');
  assert.equal(detectorToHub.sink, { kind: 'upstream' });
  assert.is(detectorToHub.priority, 1);
  assert.is(detectorToHub.timeToLiveSecs, 60);
  assert.ok(detectorToHub.condition);
  assert.is(captureToDetector.priority, DEFAULT_ROUTE_PRIORITY);
});

test('compileRoute rejects routes edgeHub would reject, with the problems', () => {
  const { route, problems } = compileRoute('bad', 'FROM /messages/* WHERE temperature > 30 INTO $upstream');
  assert.is(route, undefined);
  assert.equal(
    problems.map((p) => p.id),
    ['operand-types'],
  );
  assert.equal(
    compileRoute('bad2', 'FROM /messages/* INTO $nowhere').problems.map((p) => p.id),
    ['unsupported-sink'],
  );
  const warned = compileRoute('warn', "FROM /messages/* WHERE $outputNme = 'x' INTO $upstream");
  assert.ok(warned.route, 'warnings do not stop a route');
  assert.equal(
    warned.problems.map((p) => p.id),
    ['unknown-system-property'],
  );
});

test('a message reaches each matching sink once, via the matching route with the best priority', () => {
  const source = messageSourceOf({ moduleId: 'detector', outputName: 'results' });
  const confident = routeMessage(routes, source, detectorMessage(0.9));
  assert.equal(
    confident.map((d) => d.route.name),
    ['detectorToHub'],
  );
  const unsure = routeMessage(routes, source, detectorMessage(0.2));
  assert.equal(
    unsure.map((d) => d.route.name),
    ['everythingToHub'],
    'the condition fails, so the catch-all route carries it',
  );
});

test('module outputs go to module inputs; leaf telemetry is picked by the devices route', () => {
  const frame = { systemProperties: { connectionModuleId: 'capture', outputName: 'frames' }, properties: {} };
  const deliveries = routeMessage(routes, messageSourceOf({ moduleId: 'capture', outputName: 'frames' }), frame);
  assert.equal(
    deliveries.map((d) => [d.route.name, d.sink.kind]),
    [
      ['everythingToHub', 'upstream'],
      ['captureToDetector', 'module'],
    ],
  );
  const leaf = { systemProperties: { connectionDeviceId: 'sensor' }, properties: {} };
  assert.equal(
    routeMessage(routes, messageSourceOf({}), leaf).map((d) => d.route.name),
    ['leafToHub'],
  );
});

test('nothing matches a twin change notification unless a route reads /twinChangeNotifications or /*', () => {
  const twin = {
    systemProperties: { messageType: 'twinChangeNotification', contentType: 'application/json', contentEncoding: 'utf-8' },
    properties: {},
    body: json({ properties: { reported: { fw: '2' } } }),
  };
  const source = messageSourceOf({ twinChange: true });
  assert.equal(routeMessage(routes, source, twin), []);
  const twinRoute = compile('twin', 'FROM /twinChangeNotifications WHERE twin_change_includes(properties.reported.fw) INTO $upstream');
  assert.equal(
    routeMessage([twinRoute], source, twin).map((d) => d.route.name),
    ['twin'],
  );
});

test.run();
