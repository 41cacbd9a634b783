// One side of bench/telemetry.mjs in its own process: `raw` runs onnxruntime on prepared feature rows (batches of
// maxBatch for a burst, one row at a time otherwise); `pipeline` feeds message bodies through the telemetry runtime.
// Prints { perSecond, cpuMsPerMessage } as JSON.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { createTelemetryPipeline } from '../dist/runtime/telemetry/pipeline.js';
import { createTelemetryScorer } from '../dist/runtime/telemetry/scorer.js';
import { featureVector } from '../dist/runtime/telemetry/features.js';
import { TELEMETRY_LIMITS } from '../dist/model/telemetry-config.js';

const [side, pattern, countText] = process.argv.slice(2);
const count = Number(countText);
const model = fileURLToPath(new URL('../specs/models/machine-anomaly/model.onnx', import.meta.url));
const samples = readFileSync(new URL('../specs/samples/telemetry/readings.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const bodies = Array.from({ length: count }, (_, i) => samples[i % samples.length]);
const features = [
  ['machine', 'temperature'],
  ['machine', 'pressure'],
  ['ambient', 'temperature'],
  ['ambient', 'humidity'],
].map((path, i) => ({ name: `f${i}`, path }));
const config = {
  model: { path: model, inputName: 'readings' },
  features,
  window: 1,
  windowKey: 'device',
  decoder: { kind: 'anomaly', output: 'anomaly_score', threshold: 0.3 },
  inputs: ['readings'],
  output: 'results',
  limits: { ...TELEMETRY_LIMITS, queueLength: count },
};
const batch = pattern === 'burst' ? config.limits.maxBatch : 1;

async function raw() {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  // The same numbers the pipeline would read, prepared outside the timed part.
  const rows = bodies.map((b) => featureVector(b, features).values);
  await session.run({ readings: new ort.Tensor('float32', Float32Array.from(rows[0]), [1, 4]) });
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const data = new Float32Array(chunk.length * 4);
    chunk.forEach((r, k) => data.set(r, k * 4));
    await session.run({ readings: new ort.Tensor('float32', data, [chunk.length, 4]) });
  }
  return finish(started, cpu);
}

async function pipeline() {
  const scorer = await createTelemetryScorer(model, 'readings', 'anomaly_score');
  await scorer.score([featureVector(bodies[0], features).values]);
  let sent = 0;
  const p = createTelemetryPipeline(config, scorer, () => void sent++);
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (const body of bodies) {
    p.handle({ input: 'readings', body, deviceId: 'bench', receivedAt: Date.now() });
    if (pattern !== 'burst') await p.idle();
  }
  await p.idle();
  if (sent !== count) throw new Error(`sent ${sent} of ${count}`);
  return finish(started, cpu);
}

function finish(started, cpu) {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / count };
}

process.stdout.write(JSON.stringify(side === 'raw' ? await raw() : await pipeline()) + '\n');
