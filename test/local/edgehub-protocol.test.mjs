// The local edgeHub's pure parts against outside references: SAS tokens made by azure-iot-common's own
// SharedAccessSignature.create, topics as azure-iot-device-mqtt formats them, the connection string the SDK's parser
// reads, twin merge-patch semantics and limits, and the MQTT packet-size guard.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { moduleConnectionString, moduleResourceUri, newModuleKey, verifySharedAccessSignature } from '../../dist/local/edgehub/sas.js';
import { allowedSubscription, inputTopic, parseModulePublish, parseModuleUsername } from '../../dist/local/edgehub/topics.js';
import { ModuleTwin, TWIN_SECTION_MAX_BYTES } from '../../dist/local/edgehub/twin.js';
import { createPacketSizeGuard } from '../../dist/local/edgehub/frame-limit.js';
import { parseInvocation } from '../../dist/local/edgehub/run-hub.js';

const require = createRequire(import.meta.url);
const { SharedAccessSignature, ConnectionString, encodeUriComponentStrict } = require('azure-iot-common');

const host = 'hub.azure-devices.net';
const key = newModuleKey();
const resourceUri = moduleResourceUri(host, 'dev1', 'filter');
const sdkToken = (uri, k, expiry) => SharedAccessSignature.create(encodeUriComponentStrict(uri), undefined, k, expiry).toString();
const inAnHour = Math.ceil(Date.now() / 1000) + 3600;

test('a token made by azure-iot-common verifies; wrong key, resource, expiry and shape are refused with a reason', () => {
  assert.equal(verifySharedAccessSignature(sdkToken(resourceUri, key, inAnHour), { resourceUri, key }), { ok: true });
  assert.equal(
    verifySharedAccessSignature(sdkToken(resourceUri.replace('hub.', 'HUB.'), key, inAnHour), { resourceUri, key }),
    { ok: true },
    'host names compare case-insensitively',
  );
  assert.equal(verifySharedAccessSignature(sdkToken(resourceUri, newModuleKey(), inAnHour), { resourceUri, key }), {
    ok: false,
    reason: 'the signature does not match the module key',
  });
  assert.match(
    verifySharedAccessSignature(sdkToken(moduleResourceUri(host, 'dev1', 'other'), key, inAnHour), { resourceUri, key }).reason,
    "is for 'hub.azure-devices.net/devices/dev1/modules/other'",
  );
  assert.match(
    verifySharedAccessSignature(sdkToken(resourceUri.replace('filter', 'FILTER'), key, inAnHour), { resourceUri, key }).reason,
    'is for',
    'module ids are case-sensitive',
  );
  assert.equal(verifySharedAccessSignature(sdkToken(resourceUri, key, 1000), { resourceUri, key }), {
    ok: false,
    reason: 'the token has expired',
  });
  assert.equal(verifySharedAccessSignature('Basic abc', { resourceUri, key }), {
    ok: false,
    reason: 'the password is not a SharedAccessSignature token',
  });
  assert.equal(verifySharedAccessSignature('SharedAccessSignature sr=x&se=1', { resourceUri, key }), {
    ok: false,
    reason: 'the token lacks sr, sig or se',
  });
});

test('the connection string is what the SDK parser reads, with GatewayHostName', () => {
  const text = moduleConnectionString({
    hubHostName: host,
    gatewayHostName: '127.0.0.1',
    identity: { deviceId: 'dev1', moduleId: 'filter', key },
  });
  const parsed = ConnectionString.parse(text, ['HostName', 'DeviceId', 'ModuleId', 'SharedAccessKey', 'GatewayHostName']);
  assert.equal({ ...parsed }, { HostName: host, DeviceId: 'dev1', ModuleId: 'filter', SharedAccessKey: key, GatewayHostName: '127.0.0.1' });
});

test('topics: telemetry as the SDK writes it, twin and method requests, and what a module may not publish', () => {
  // azure-iot-device-mqtt: devices/<d>/modules/<m>/messages/events/ + querystring of $.on, $.ct, $.ce, then user properties.
  const topic =
    'devices/dev1/modules/filter/messages/events/%24.on=alerts&%24.ct=application%2Fjson&%24.ce=utf-8&%24.mid=m1&level=high%20%26%20rising/';
  const telemetry = parseModulePublish(topic, 'dev1', 'filter');
  assert.is(telemetry.kind, 'telemetry');
  assert.equal(
    { ...telemetry.systemProperties },
    { outputName: 'alerts', contentType: 'application/json', contentEncoding: 'utf-8', messageId: 'm1' },
  );
  assert.equal({ ...telemetry.properties }, { level: 'high & rising' });
  const bare = parseModulePublish('devices/dev1/modules/filter/messages/events/', 'dev1', 'filter');
  assert.equal([bare.kind, Object.keys(bare.systemProperties), Object.keys(bare.properties)], ['telemetry', [], []]);
  assert.equal(parseModulePublish('$iothub/twin/GET/?$rid=7a', 'dev1', 'filter'), { kind: 'twin-get', requestId: '7a' });
  assert.equal(parseModulePublish('$iothub/twin/PATCH/properties/reported/?$rid=8&$version=3', 'dev1', 'filter'), {
    kind: 'twin-reported',
    requestId: '8',
  });
  assert.equal(parseModulePublish('$iothub/methods/res/200/?$rid=1f', 'dev1', 'filter'), {
    kind: 'method-response',
    requestId: '1f',
    status: 200,
  });
  assert.is(
    parseModulePublish('devices/dev1/modules/other/messages/events/', 'dev1', 'filter').kind,
    'not-allowed',
    'a module cannot send as another',
  );
  assert.is(parseModulePublish('devices/dev1/modules/other/inputs/in1/', 'dev1', 'filter').kind, 'not-allowed', 'nor write to an input');
  assert.is(parseModulePublish('$iothub/twin/GET/', 'dev1', 'filter').kind, 'not-allowed', 'a twin request needs a $rid');
  const props = parseModulePublish('devices/dev1/modules/filter/messages/events/__proto__=x/', 'dev1', 'filter').properties;
  assert.is(Object.getPrototypeOf({}).x, undefined, 'a __proto__ property does not pollute prototypes');
  assert.is(Object.getOwnPropertyDescriptor(props, '__proto__')?.value, 'x');
});

test('subscriptions: only its own inputs and the $iothub topics the SDK uses', () => {
  assert.ok(allowedSubscription('devices/dev1/modules/filter/inputs/#', 'dev1', 'filter'));
  for (const t of ['$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#'])
    assert.ok(allowedSubscription(t, 'dev1', 'filter'), t);
  for (const t of ['#', 'devices/dev1/modules/other/inputs/#', 'devices/dev1/modules/+/inputs/#', '$iothub/#'])
    assert.not.ok(allowedSubscription(t, 'dev1', 'filter'), t);
});

test('input topics carry the properties and edgeHub system properties the SDK parses back', () => {
  const topic = inputTopic(
    'dev1',
    'filter',
    'in1',
    {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      connectionDeviceId: 'dev1',
      connectionModuleId: 'cam',
      outputName: 'lines',
    },
    { frame: 'a b&c' },
  );
  assert.is(
    topic,
    'devices/dev1/modules/filter/inputs/in1/frame=a%20b%26c&%24.cdid=dev1&%24.cmid=cam&%24.ct=application%2Fjson&%24.ce=utf-8',
  );
  assert.equal(parseModuleUsername('hub.azure-devices.net/dev1/filter/?api-version=2021-04-12&DeviceClientType=x'), {
    hubHostName: 'hub.azure-devices.net',
    deviceId: 'dev1',
    moduleId: 'filter',
  });
  assert.is(parseModuleUsername('hub.azure-devices.net/dev1/?api-version=2021-04-12'), undefined, 'a device, not a module');
});

test('twin: JSON merge patch with null deletes, $version per section, the 32 KB limit, no prototype pollution', () => {
  const twin = new ModuleTwin({ threshold: 0.5, labels: { keep: ['a'] } });
  assert.equal(twin.document(), { desired: { threshold: 0.5, labels: { keep: ['a'] }, $version: 1 }, reported: { $version: 1 } });
  assert.equal(twin.patchDesired({ labels: null, mode: { fast: true } }), { ok: true, version: 2 });
  assert.equal(twin.patchReported({ status: 'ok', $version: 99 }), { ok: true, version: 2 });
  assert.equal(twin.document(), {
    desired: { threshold: 0.5, mode: { fast: true }, $version: 2 },
    reported: { status: 'ok', $version: 2 },
  });
  const tooBig = twin.patchReported({ blob: 'x'.repeat(TWIN_SECTION_MAX_BYTES) });
  assert.is(tooBig.ok, false);
  assert.is(tooBig.status, 400);
  assert.is(twin.document().reported.$version, 2, 'a refused patch changes nothing');
  assert.is(twin.patchReported([1]).ok, false);
  twin.patchReported(JSON.parse('{"__proto__": {"polluted": true}}'));
  assert.is({}.polluted, undefined);
});

test('the packet-size guard passes packets through and stops at the first packet over the limit', async () => {
  const run = (bytes, limit) =>
    new Promise((resolve) => {
      const guard = createPacketSizeGuard(limit);
      const out = [];
      guard.on('data', (d) => out.push(d));
      guard.on('error', (e) => resolve({ error: e.message }));
      guard.on('end', () => resolve({ bytes: Buffer.concat(out).length }));
      // Byte by byte: the length may be split across reads.
      for (const b of bytes) guard.write(Buffer.from([b]));
      guard.end();
    });
  const packet = (length) => [0x30, ...varint(length), ...new Array(length).fill(0)];
  const varint = (n) => {
    const out = [];
    do {
      let byte = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      out.push(byte);
    } while (n > 0);
    return out;
  };
  const ok = [...packet(10), ...packet(200), 0xc0, 0x00];
  assert.equal(await run(ok, 300), { bytes: ok.length });
  assert.match((await run([...packet(10), ...packet(301)], 300)).error, 'an MQTT packet of 301 bytes is over');
});

test('--invoke values', () => {
  const modules = ['filter', 'cam'];
  assert.equal(parseInvocation('filter.reset={"hard":true}', modules), {
    module: 'filter',
    kind: 'method',
    method: 'reset',
    payload: { hard: true },
  });
  assert.equal(parseInvocation('filter.ping', modules), { module: 'filter', kind: 'method', method: 'ping', payload: null });
  assert.equal(parseInvocation('filter.$desired={"t":1}', modules), { module: 'filter', kind: 'desired', patch: { t: 1 } });
  assert.match(parseInvocation('nosuch.x=1', modules), "there is no module 'nosuch'");
  assert.match(parseInvocation('filter.x={', modules), 'is not JSON');
  assert.match(parseInvocation('filter', modules), 'MODULE.METHOD');
  assert.match(parseInvocation('filter.$desired=3', modules), 'must be a JSON object');
});

test.run();
