// Builds the telemetry example honestly, offline and deterministically: generates readings shaped like Microsoft's
// SimulatedTemperatureSensor module (machine temperature 21-100 °C with pressure 1-10 psi rising with it, ambient
// ~21 °C, humidity 24-27 %), injects anomalies (a pressure leak or blockage off the temperature line, overheating,
// an ambient spike), fits a small model on them and exports it to ONNX with the project's ONNX builder:
//   derived = x·A + c           (pressure residual against the fitted temperature line, ambient temp, humidity, temp)
//   z       = (derived - μ) / σ (μ, σ from the normal readings)
//   score   = sigmoid(z²·w + b) (logistic regression fitted by gradient descent)
// Writes specs/models/machine-anomaly/model.onnx and specs/samples/telemetry/{readings.jsonl, readings.expected.json}.
// Usage: node specs/tools/make-machine-anomaly.mjs   (run again only when changing the recipe; outputs are committed)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOAT, buildModel, node, tensor, valueInfo } from '../../test/helpers/onnx-builder.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** mulberry32: a small seeded PRNG, so every run writes the same files. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261207);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const round = (v, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

// The simulator's relation (iotedge SimulatedTemperatureSensor): pressure = 1 + (temp - 21) * 9 / 79.
function normalReading(t) {
  const temperature = 21 + 79 * ((t % 80) / 80) + gauss() * 0.5;
  return {
    machine: { temperature: round(temperature), pressure: round(1 + ((temperature - 21) * 9) / 79 + gauss() * 0.05) },
    ambient: { temperature: round(21 + gauss() * 0.4), humidity: 24 + Math.floor(random() * 4) },
  };
}

const ANOMALIES = {
  leak: (r) => ({ ...r, machine: { ...r.machine, pressure: round(r.machine.pressure - 1.5 - random()) } }),
  blockage: (r) => ({ ...r, machine: { ...r.machine, pressure: round(r.machine.pressure + 1.5 + random()) } }),
  overheating: (r) => ({ ...r, machine: { temperature: round(112 + random() * 8), pressure: round(1 + (91 * 9) / 79 + random() * 0.1) } }),
  ambientSpike: (r) => ({ ...r, ambient: { ...r.ambient, temperature: round(30 + random() * 5) } }),
};
const kinds = Object.keys(ANOMALIES);

function dataset(count, anomalyEvery, start = Date.UTC(2026, 11, 7, 8, 0, 0)) {
  const rows = [];
  for (let i = 0; i < count; i++) {
    let reading = normalReading(i);
    const anomaly = anomalyEvery > 0 && i % anomalyEvery === anomalyEvery - 1 ? kinds[Math.floor(i / anomalyEvery) % kinds.length] : undefined;
    if (anomaly) reading = ANOMALIES[anomaly](reading);
    rows.push({ reading: { ...reading, timeCreated: new Date(start + i * 5000).toISOString() }, anomaly });
  }
  return rows;
}

const features = (r) => [r.machine.temperature, r.machine.pressure, r.ambient.temperature, r.ambient.humidity];

// 1. The pressure-vs-temperature line by least squares on normal readings.
const train = dataset(4000, 7);
const normal = train.filter((r) => !r.anomaly).map((r) => features(r.reading));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mt = mean(normal.map((x) => x[0]));
const mp = mean(normal.map((x) => x[1]));
const slope = normal.reduce((s, x) => s + (x[0] - mt) * (x[1] - mp), 0) / normal.reduce((s, x) => s + (x[0] - mt) ** 2, 0);
const intercept = mp - slope * mt;
// derived = x·A + c: [pressure - slope·temp - intercept, ambient temp, humidity, temp]
const A = [
  [-slope, 0, 0, 1],
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
];
const c = [-intercept, 0, 0, 0];
const derive = (x) => [0, 1, 2, 3].map((j) => x.reduce((s, v, i) => s + v * A[i][j], c[j]));

// 2. Standardise the derived features on normal readings.
const derived = normal.map(derive);
const mu = [0, 1, 2, 3].map((j) => mean(derived.map((d) => d[j])));
const sigma = [0, 1, 2, 3].map((j) => Math.sqrt(mean(derived.map((d) => (d[j] - mu[j]) ** 2))));
const squaredZ = (x) => derive(x).map((d, j) => ((d - mu[j]) / sigma[j]) ** 2);

// 3. Logistic regression on z² (normal = 0, injected = 1), plain gradient descent.
const X = train.map((r) => squaredZ(features(r.reading)));
const y = train.map((r) => (r.anomaly ? 1 : 0));
let w = [0, 0, 0, 0];
let b = 0;
const sigmoid = (v) => 1 / (1 + Math.exp(-v));
for (let epoch = 0; epoch < 3000; epoch++) {
  const gw = [0, 0, 0, 0];
  let gb = 0;
  for (let i = 0; i < X.length; i++) {
    const err = sigmoid(X[i].reduce((s, v, j) => s + v * w[j], b)) - y[i];
    for (let j = 0; j < 4; j++) gw[j] += err * X[i][j];
    gb += err;
  }
  w = w.map((v, j) => v - (0.05 * gw[j]) / X.length);
  b -= (0.05 * gb) / X.length;
}
const score = (x) => sigmoid(squaredZ(x).reduce((s, v, j) => s + v * w[j], b));

// The model: input "readings" [batch, 4] → output "anomaly_score" [batch, 1].
const f32 = (name, dims, values) => tensor(name, FLOAT, dims, values.map(Math.fround));
const model = buildModel({
  name: 'machine-anomaly',
  inputs: [valueInfo('readings', FLOAT, ['batch', 4])],
  outputs: [valueInfo('anomaly_score', FLOAT, ['batch', 1])],
  initializers: [f32('A', [4, 4], A.flat()), f32('c', [4], c), f32('mu', [4], mu), f32('sigma', [4], sigma), f32('w', [4, 1], w), f32('b', [1], [b])],
  nodes: [
    node('MatMul', ['readings', 'A'], ['linear']),
    node('Add', ['linear', 'c'], ['derived']),
    node('Sub', ['derived', 'mu'], ['centred']),
    node('Div', ['centred', 'sigma'], ['z']),
    node('Mul', ['z', 'z'], ['z2']),
    node('MatMul', ['z2', 'w'], ['logit0']),
    node('Add', ['logit0', 'b'], ['logit']),
    node('Sigmoid', ['logit'], ['anomaly_score']),
  ],
  metadata: { description: 'Anomaly score (0..1) of a SimulatedTemperatureSensor-style reading: machine temperature, machine pressure, ambient temperature, ambient humidity.', trainedOn: `${train.length} generated readings, seed 20261207` },
});

// The sample messages the example scores: 200 readings, an anomaly every 10th.
const samples = dataset(200, 10, Date.UTC(2026, 11, 7, 12, 0, 0));
const modelFile = join(root, 'specs/models/machine-anomaly/model.onnx');
const samplesFile = join(root, 'specs/samples/telemetry/readings.jsonl');
mkdirSync(dirname(modelFile), { recursive: true });
mkdirSync(dirname(samplesFile), { recursive: true });
writeFileSync(modelFile, model);
writeFileSync(samplesFile, samples.map((s) => JSON.stringify(s.reading)).join('\n') + '\n');
writeFileSync(
  join(root, 'specs/samples/telemetry/readings.expected.json'),
  JSON.stringify({ description: 'Line numbers (1-based) of readings.jsonl with an injected anomaly, and its kind.', anomalies: samples.flatMap((s, i) => (s.anomaly ? [{ line: i + 1, kind: s.anomaly }] : [])) }, null, 2) + '\n',
);
const scores = samples.map((s) => ({ s: score(features(s.reading)), anomaly: Boolean(s.anomaly) }));
const maxNormal = Math.max(...scores.filter((x) => !x.anomaly).map((x) => x.s));
const minAnomaly = Math.min(...scores.filter((x) => x.anomaly).map((x) => x.s));
console.log(`wrote ${modelFile} (${model.length} bytes) and ${samples.length} readings; highest normal score ${maxNormal.toFixed(4)}, lowest anomaly score ${minAnomaly.toFixed(4)}`);
