// The local edgeHub against the real device SDK (azure-iot-device, MQTT transport over TLS) in separate processes
// that get only EdgeHubConnectionString and EdgeModuleCACertificateFile: telemetry routed by the spec's routes into
// another module's input and on upstream, twin get / reported patch / desired patch, a direct method round trip,
// and refusals (wrong key, a topic of another module). Each test hub listens on its own 127.x.y.z address, port
// 8883 (the port the SDK dials), so parallel runs on one machine do not collide.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createMessageBus } from '../../dist/local/message-bus.js';
import { EDGE_HUB_MQTT_PORT, startEdgeHub } from '../../dist/local/edgehub/edge-hub.js';

const moduleScript = fileURLToPath(new URL('../fixtures/edgehub/sdk-module.cjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'edgeml-edgehub-'));
const caFile = join(work, 'ca.pem');
const children = new Set();
test.after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** A loopback address of its own for each hub (Linux routes all of 127/8 to lo). */
const loopbackAddress = () =>
  `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

const route = (name, from, to, extra = {}) => ({ name, path: ['routes', name], from, to, ...extra });
const routes = [
  route(
    'kindA',
    { kind: 'module', module: 'sender', output: 'out' },
    { kind: 'module', module: 'relay', input: 'in1' },
    { when: "kind = 'a'" },
  ),
  route('relayUp', { kind: 'module', module: 'relay', output: 'forwarded' }, { kind: 'upstream' }),
];

async function startHub(extra = {}) {
  const host = loopbackAddress();
  const { bus } = createMessageBus(routes, { deviceId: 'dev1' });
  const upstream = [];
  bus.onUpstream((d) => upstream.push(d));
  const logs = [];
  const hub = await startEdgeHub({
    bus,
    deviceId: 'dev1',
    hubHostName: 'test-hub.azure-devices.net',
    modules: [{ name: 'sender' }, { name: 'relay', twin: { threshold: 0.5, labels: { keep: ['cat'] } } }],
    listen: [{ host, port: EDGE_HUB_MQTT_PORT }],
    certificateHostNames: [host],
    log: (line) => logs.push(line),
    ...extra,
  });
  writeFileSync(caFile, hub.caPem);
  return { hub, bus, host, upstream, logs };
}

/** Starts the SDK module with only the variables a module gets from the edge runtime; events arrive as JSON lines. */
function startModule(role, env) {
  const child = spawn(process.execPath, [moduleScript, role], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const events = [];
  const waiters = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    events.push(event);
    for (const w of [...waiters]) if (w.match(event)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(event);
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => (children.delete(child), resolve(code))));
  return {
    events,
    exited,
    stop: () => child.kill('SIGTERM'),
    /** The first event (already seen or coming) for which `match` holds; fails after `ms`. */
    waitFor(match, ms = 20_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching event from ${role} within ${ms} ms; events: ${JSON.stringify(events)}; stderr: ${stderr.slice(-500)}`),
            ),
          ms,
        );
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
}

const moduleEnv = (hub, host, module) => ({
  EdgeHubConnectionString: hub.connectionString(module, host),
  EdgeModuleCACertificateFile: caFile,
});

test('SDK modules: telemetry routed into another module input and upstream, twin, desired patch, direct method', async () => {
  const { hub, bus, host, upstream } = await startHub();
  try {
    const relay = startModule('relay', moduleEnv(hub, host, 'relay'));
    // Twin GET answers the spec's desired properties with IoT Hub's $version.
    const twin = await relay.waitFor((e) => e.event === 'twin');
    assert.equal(twin.desired, { threshold: 0.5, labels: { keep: ['cat'] }, $version: 1 });
    await relay.waitFor((e) => e.event === 'ready');
    // The reported patch reached the hub's twin.
    assert.equal(hub.twin('relay').reported, { started: true, role: 'relay', $version: 2 });

    const sender = startModule('sender', { ...moduleEnv(hub, host, 'sender'), COUNT: '4' });
    assert.is(await sender.exited, 0, JSON.stringify(sender.events));
    // Messages 0 and 2 have kind=a: only they match route kindA and reach relay/in1, with the SDK's properties.
    const inputs = [
      await relay.waitFor((e) => e.event === 'input' && e.body === '{"n":0}'),
      await relay.waitFor((e) => e.event === 'input' && e.body === '{"n":2}'),
    ];
    for (const input of inputs) {
      assert.is(input.input, 'in1');
      assert.is(input.properties.kind, 'a');
      assert.is(input.contentType, 'application/json');
    }
    // The relay forwards each on output 'forwarded', which route relayUp sends upstream.
    const deadline = Date.now() + 10_000;
    while (upstream.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(
      upstream.map((d) => [d.route, d.message.module, d.message.output, JSON.parse(d.message.body).n, d.message.properties.relayed]).sort(),
      [
        ['relayUp', 'relay', 'forwarded', 0, 'yes'],
        ['relayUp', 'relay', 'forwarded', 2, 'yes'],
      ],
    );
    assert.is(relay.events.filter((e) => e.event === 'input').length, 2);
    assert.equal(bus.stats.byRoute, { kindA: 2, relayUp: 2 });
    assert.is(bus.stats.unrouted, 2);
    assert.is(hub.stats.received, 6);

    // A direct method round trip, then a desired patch the module is notified of.
    const reply = await hub.invokeMethod('relay', 'echo', { ping: 1 }, 10_000);
    assert.equal(reply, { status: 200, payload: { echoed: { ping: 1 }, by: 'relay' } });
    const patched = hub.patchDesired('relay', { threshold: 0.7, labels: null });
    assert.equal(patched, { ok: true, version: 2 });
    const desired = await relay.waitFor((e) => e.event === 'desired' && e.patch.threshold === 0.7);
    assert.equal(desired.patch, { threshold: 0.7, labels: null, $version: 2 });
    assert.equal(hub.twin('relay').desired, { threshold: 0.7, $version: 2 });

    // A method on a module that is not connected answers 404 at once, as IoT Hub does.
    assert.is((await hub.invokeMethod('sender', 'echo', {})).status, 404);
    relay.stop();
    await relay.exited;
  } finally {
    await hub.close();
  }
});

test('a module with a wrong key is refused and the refusal names the module and the reason', async () => {
  const { hub, host, logs } = await startHub();
  try {
    const good = hub.connectionString('sender', host);
    const forged = good.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`);
    const sender = startModule('sender', { EdgeHubConnectionString: forged, EdgeModuleCACertificateFile: caFile });
    const failed = await sender.waitFor((e) => e.event === 'open-failed');
    assert.match(failed.message + failed.name, /auth|Unauthorized|Not authorized/i);
    assert.equal(hub.stats.authFailures, [{ module: 'sender', reason: 'the signature does not match the module key' }]);
    assert.ok(logs.some((l) => l.includes("refused a connection for module 'sender'")));
    assert.not.ok(hub.isConnected('sender'));
    await sender.exited;
  } finally {
    await hub.close();
  }
});

test('a module that does not trust the run CA cannot connect, and the hub says why', async () => {
  const { hub, host, logs } = await startHub();
  try {
    const otherCa = join(work, 'other-ca.pem');
    const { createEdgeHubCertificates } = await import('../../dist/local/edgehub/certificates.js');
    writeFileSync(otherCa, createEdgeHubCertificates([host]).caPem);
    const sender = startModule('sender', {
      EdgeHubConnectionString: hub.connectionString('sender', host),
      EdgeModuleCACertificateFile: otherCa,
    });
    await sender.waitFor((e) => e.event === 'open-failed');
    // The client may see the failed handshake before the server reports it.
    const deadline = Date.now() + 5000;
    while (!logs.some((l) => l.includes('TLS handshake failed')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      logs.some((l) => l.includes('TLS handshake failed')),
      logs.join('\n'),
    );
    assert.not.ok(hub.isConnected('sender'));
    await sender.exited;
  } finally {
    await hub.close();
  }
});

test('the port in use is reported with its address', async () => {
  const first = await startHub();
  try {
    const { bus } = createMessageBus([], { deviceId: 'dev1' });
    const error = await startEdgeHub({
      bus,
      deviceId: 'dev1',
      hubHostName: 'h',
      modules: [],
      listen: [{ host: first.host, port: EDGE_HUB_MQTT_PORT }],
      certificateHostNames: [first.host],
      log: () => undefined,
    }).then(
      () => undefined,
      (e) => e,
    );
    assert.is(error?.name, 'EdgeHubListenError');
    assert.is(error.code, 'EADDRINUSE');
    assert.is(error.address, `${first.host}:${EDGE_HUB_MQTT_PORT}`);
  } finally {
    await first.hub.close();
  }
});

test.run();
