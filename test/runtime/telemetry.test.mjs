// The telemetry scoring module's runtime: feature paths, windows, the drop-oldest queue, decoders, batching, and the
// module itself (stdin mode) on the example's own generated readings with its fitted model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { featureVector } from '../../dist/runtime/telemetry/features.js';
import { Windows } from '../../dist/runtime/telemetry/windows.js';
import { DropOldestQueue } from '../../dist/runtime/telemetry/queue.js';
import { decodeRow } from '../../dist/runtime/telemetry/decoders.js';
import { validateTelemetryConfig } from '../../dist/runtime/telemetry/config.js';
import { createTelemetryPipeline } from '../../dist/runtime/telemetry/pipeline.js';
import { createTelemetryScorer } from '../../dist/runtime/telemetry/scorer.js';
import { telemetryResultsContract } from '../../dist/runtime/contracts/index.js';
import { compileContract } from '../../dist/contracts/validate.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = join(root, 'specs/models/machine-anomaly/model.onnx');
const READINGS = join(root, 'specs/samples/telemetry/readings.jsonl');
const EXPECTED = JSON.parse(readFileSync(join(root, 'specs/samples/telemetry/readings.expected.json'), 'utf8'));

const FEATURES = [
  { name: 'machineTemperature', path: ['machine', 'temperature'] },
  { name: 'machinePressure', path: ['machine', 'pressure'] },
  { name: 'ambientTemperature', path: ['ambient', 'temperature'], default: 21 },
  { name: 'ambientHumidity', path: ['ambient', 'humidity'], default: 25 },
];

function config(extra = {}) {
  return validateTelemetryConfig({
    model: { path: MODEL, inputName: 'readings' },
    features: FEATURES,
    window: 1,
    windowKey: 'device',
    decoder: { kind: 'anomaly', output: 'anomaly_score', threshold: 0.3 },
    inputs: ['readings'],
    output: 'results',
    limits: { queueLength: 1000, maxBatch: 32, maxWindows: 100, maxMessageBytes: 65536 },
    ...extra,
  });
}

test('features read body paths; a missing field takes its default or rejects the message with the path', () => {
  assert.equal(featureVector({ machine: { temperature: 50, pressure: 4 }, ambient: { temperature: 20, humidity: 26 } }, FEATURES), {
    ok: true,
    values: [50, 4, 20, 26],
    defaulted: [],
  });
  assert.equal(featureVector({ machine: { temperature: 50, pressure: 4 } }, FEATURES), {
    ok: true,
    values: [50, 4, 21, 25],
    defaulted: ['ambientTemperature', 'ambientHumidity'],
  });
  assert.equal(featureVector({ machine: { temperature: 50 } }, FEATURES), { ok: false, reason: '$body.machine.pressure is missing' });
  assert.equal(featureVector({ machine: { temperature: '50', pressure: 1 } }, FEATURES), {
    ok: false,
    reason: '$body.machine.temperature is "50", not a number',
  });
  assert.equal(featureVector({ readings: [1, 2] }, [{ name: 'second', path: ['readings', 1] }]), { ok: true, values: [2], defaulted: [] });
  // Only own properties: the prototype is not a message field.
  assert.is(featureVector({}, [{ name: 'p', path: ['constructor'] }]).ok, false);
  assert.is(featureVector(JSON.parse('{"__proto__": {"x": 1}}'), [{ name: 'x', path: ['__proto__', 'x'] }]).ok, true);
});

test('windows keep the last N vectors per sender and forget the least recent sender past the limit', () => {
  const w = new Windows(3, 2);
  assert.is(w.push('a', [1]), undefined);
  assert.is(w.push('a', [2]), undefined);
  assert.equal(w.push('a', [3]), [1, 2, 3]);
  assert.equal(w.push('a', [4]), [2, 3, 4]);
  w.push('b', [1]);
  w.push('c', [1]); // 'a' was heard from least recently: forgotten
  assert.is(w.senders, 2);
  assert.is(w.push('a', [5]), undefined, 'a starts a new window');
});

test('the queue drops the oldest item when full and never holds more than its capacity', () => {
  const q = new DropOldestQueue(3);
  for (let i = 1; i <= 5; i++) q.push(i);
  assert.is(q.length, 3);
  assert.is(q.dropped, 2);
  assert.equal(q.take(2), [3, 4]);
  assert.equal(q.take(5), [5]);
  assert.is(q.length, 0);
});

test('decoders: regression, class probabilities, anomaly score against its threshold', () => {
  assert.equal(decodeRow({ kind: 'regression', output: 'y', unit: 'degC' }, [41.5]), { kind: 'regression', value: 41.5, unit: 'degC' });
  assert.equal(decodeRow({ kind: 'classification', output: 'p', labels: ['ok', 'worn', 'broken'] }, [0.1, 0.7, 0.2]), {
    kind: 'classification',
    label: 'worn',
    probability: 0.7,
    probabilities: { ok: 0.1, worn: 0.7, broken: 0.2 },
  });
  assert.equal(decodeRow({ kind: 'anomaly', output: 's', threshold: 0.3 }, [0.31]), {
    kind: 'anomaly',
    score: 0.31,
    threshold: 0.3,
    anomaly: true,
  });
  assert.is(decodeRow({ kind: 'anomaly', output: 's', threshold: 0.3 }, [0.29]).anomaly, false);
});

const readings = () =>
  readFileSync(READINGS, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

test('on the generated readings the fitted model flags exactly the injected anomalies; a burst is scored in batches', async () => {
  const cfg = config();
  const scorer = await createTelemetryScorer(MODEL, 'readings', 'anomaly_score');
  const results = [];
  const pipeline = createTelemetryPipeline(cfg, scorer, (r) => results.push(r));
  const all = readings();
  all.forEach((body, i) =>
    pipeline.handle({
      input: 'readings',
      body,
      deviceId: 'machine-1',
      messageId: `m${i + 1}`,
      createdAt: body.timeCreated,
      receivedAt: Date.now(),
    }),
  );
  await pipeline.idle();
  assert.is(results.length, all.length);
  const flagged = results.filter((r) => r.anomaly).map((r) => Number(r.input.messageId.slice(1)));
  assert.equal(
    flagged,
    EXPECTED.anomalies.map((a) => a.line),
  );
  assert.ok(pipeline.stats.batches < all.length / 4, `${pipeline.stats.batches} model runs for ${all.length} messages`);
  assert.is(results[0].timestamps.created, all[0].timeCreated);
  assert.equal(Object.keys(results[0]).sort(), ['anomaly', 'defaulted', 'dropped', 'input', 'kind', 'score', 'threshold', 'timestamps']);
  // Every result the module sends validates against the telemetry module's message contract.
  const validate = compileContract(telemetryResultsContract('anomaly'));
  for (const r of results) assert.equal(validate(r), [], JSON.stringify(r));
  assert.ok(validate({ ...results[0], anomaly: 'yes' }).length > 0, 'the contract rejects a wrong type');
  await scorer.close();
});

test('a slow model under a flood: the queue stays bounded and the oldest readings are dropped and counted', async () => {
  const cfg = config({ limits: { queueLength: 10, maxBatch: 4, maxWindows: 10, maxMessageBytes: 65536 } });
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const scorer = { score: async (rows) => (await gate, rows.map(() => Float32Array.of(0.1))), close: async () => {} };
  const results = [];
  const pipeline = createTelemetryPipeline(cfg, scorer, (r) => results.push(r));
  for (let i = 0; i < 100; i++) pipeline.handle({ input: 'readings', body: readings()[0], messageId: String(i), receivedAt: 0 });
  release();
  await pipeline.idle();
  // The first reading went to the model at once; of the 99 that arrived while it ran only the newest 10 survive.
  assert.is(results.length, 11);
  assert.is(pipeline.stats.dropped, 89);
  assert.is(results.at(-1).dropped, 89, 'results say how many readings were dropped');
  assert.equal(
    results.slice(-10).map((r) => r.input.messageId),
    Array.from({ length: 10 }, (_, i) => String(90 + i)),
  );
});

test('the module in stdin mode: JSON lines in, one result line per reading out, a bad line skipped with its line number', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-telemetry-'));
  try {
    copyFileSync(MODEL, join(dir, 'model.onnx'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config(), model: { path: 'model.onnx', inputName: 'readings' } }));
    const lines = readFileSync(READINGS, 'utf8').trim().split('\n');
    const input =
      [...lines.slice(0, 9), 'not json', lines[9], JSON.stringify({ input: 'readings', deviceId: 'm2', body: JSON.parse(lines[0]) })].join(
        '\n',
      ) + '\n';
    const run = spawnSync(process.execPath, [join(root, 'dist/runtime/telemetry/main.js'), join(dir, 'config.json'), '--stdin'], {
      input,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, IOTEDGE_WORKLOADURI: '', EdgeHubConnectionString: '' },
    });
    assert.is(run.status, 0, run.stderr);
    const out = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.is(out.length, 11);
    assert.ok(out.every((o) => o.output === 'results'));
    assert.equal(
      out.map((o) => o.body.anomaly),
      [...Array(9).fill(false), true, false],
    );
    assert.is(out[10].body.input.deviceId, 'm2');
    assert.match(run.stderr, /line 10: not JSON; skipped/);
    assert.match(run.stderr, /done: 11 received, 11 scored, 0 rejected, 0 dropped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
