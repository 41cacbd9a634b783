// Scoring server tests over loopback HTTP: /healthz before and after load, /predict multipart with two fields, /image
// raw and multipart (Custom Vision format, incl. boxes), bad requests (400/404/405/413/415) with the server still
// answering, 20 parallel requests, queue limit → 503, internal errors → 500, and the main entry's SIGTERM handling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createScoringServer } from '../../dist/runtime/scoring/server.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { orientationConfig, testConfig, FIXTURE_IMAGES, ORIENTATION_MODEL } from '../helpers/onnx-configs.mjs';
import { constantOutputsModel, createModelDir, yoloGridValues, CUSTOM_VISION_ANCHORS } from '../helpers/onnx-builder.mjs';

const upright = readFileSync(FIXTURE_IMAGES + 'text-upright.png');
const rotated = readFileSync(FIXTURE_IMAGES + 'text-rotated.jpg');
const models = createModelDir();
const cleanups = [];

/** Starts a server on a free loopback port; returns its base URL and the server. */
async function start(config, scorer, options = {}) {
  const server = createScoringServer(config, options);
  if (scorer) server.setScorer(scorer);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  return { url: `http://127.0.0.1:${port}`, server };
}

const postRaw = (url, body, type = 'application/octet-stream') => fetch(url, { method: 'POST', body, headers: { 'content-type': type } });
function postForm(url, fields) {
  const form = new FormData();
  for (const [name, bytes, filename = `${name}.png`] of fields) form.append(name, new Blob([bytes]), filename);
  return fetch(url, { method: 'POST', body: form });
}

let orientation;
let base;
test.before(async () => {
  orientation = await createScorer(orientationConfig());
  base = (await start(orientationConfig(), orientation)).url;
});
test.after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  models.cleanup();
});

test('/healthz answers 503 while the model loads and 200 with model info once it is ready', async () => {
  const { url, server } = await start(orientationConfig());
  const loading = await fetch(`${url}/healthz`);
  assert.is(loading.status, 503);
  assert.is(loading.headers.get('retry-after'), '1');
  assert.is((await loading.json()).status, 'loading');
  const scoreWhileLoading = await postRaw(`${url}/image`, upright);
  assert.is(scoreWhileLoading.status, 503);
  server.setScorer(await createScorer(orientationConfig()));
  const ready = await fetch(`${url}/healthz`);
  assert.is(ready.status, 200);
  const body = await ready.json();
  assert.is(body.status, 'ready');
  assert.is(body.model.input.name, 'x');
  assert.is(body.model.labels, 2);
  assert.ok(ready.headers.get('x-inference-ms') !== null);
});

test('/healthz reports a failed load with 503 and the reason', async () => {
  const { url, server } = await start(orientationConfig());
  server.setLoadError(new Error('Cannot load model: bad file'));
  const res = await fetch(`${url}/healthz`);
  assert.is(res.status, 503);
  assert.equal(await res.json().then((b) => [b.status, b.error]), ['failed', 'Cannot load model: bad file']);
});

test('POST /predict: multipart with two fields, results keyed by field name, timing header and field', async () => {
  const res = await postForm(`${base}/predict`, [
    ['front', upright],
    ['back', rotated, 'back.jpg'],
  ]);
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(Object.keys(body.results).sort(), ['back', 'front']);
  assert.is(body.results.front.predictions[0].label, '0');
  assert.is(body.results.back.predictions[0].label, '180');
  assert.equal(body.results.front.image, { width: 320, height: 64 });
  assert.ok(Number(res.headers.get('x-inference-ms')) > 0);
  assert.ok(body.timings.inferenceMs > 0 && body.timings.totalMs >= body.timings.inferenceMs);
});

test('POST /predict ignores plain text fields next to image files', async () => {
  const form = new FormData();
  form.append('camera', 'front-door');
  form.append('shot', new Blob([rotated]), 'shot.jpg');
  const body = await (await fetch(`${base}/predict`, { method: 'POST', body: form })).json();
  assert.equal(Object.keys(body.results), ['shot']);
  assert.is(body.results.shot.predictions[0].label, '180');
});

test('POST /predict with a raw image body is keyed "image"', async () => {
  const body = await (await postRaw(`${base}/predict`, rotated, 'image/jpeg')).json();
  assert.is(body.results.image.predictions[0].label, '180');
});

test('POST /image raw octet-stream answers Custom Vision prediction JSON (no boundingBox for classification)', async () => {
  const res = await postRaw(`${base}/image`, rotated);
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(Object.keys(body).sort(), ['created', 'id', 'iteration', 'predictions', 'project', 'timings']);
  assert.is(body.project, 'orientation');
  assert.ok(!Number.isNaN(Date.parse(body.created)));
  assert.equal(Object.keys(body.predictions[0]).sort(), ['probability', 'tagId', 'tagName']);
  assert.equal([body.predictions[0].tagName, body.predictions[0].tagId], ['180', 1]);
  assert.ok(Number(res.headers.get('x-inference-ms')) > 0);
});

test('POST /image multipart imageData, and Custom Vision route variants', async () => {
  for (const path of ['/image', '/image/nostore', '/myproject/classify/iterations/Iteration1/image', '/myproject/image/nostore']) {
    const res = await postForm(`${base}${path}`, [['imageData', upright]]);
    assert.is(res.status, 200, path);
    assert.is((await res.json()).predictions[0].tagName, '0', path);
  }
});

test('POST /image on a detector returns normalised boundingBox like Custom Vision', async () => {
  const grid = yoloGridValues({
    anchors: 5,
    classes: 1,
    gridW: 13,
    gridH: 13,
    cells: [{ anchor: 1, gx: 3, gy: 9, objectness: 6, classLogits: [1] }],
  });
  const path = models.write(
    'od.onnx',
    constantOutputsModel({
      input: { name: 'data', dims: [1, 3, 416, 416] },
      constants: { model_outputs: { dims: grid.dims, values: grid.values } },
    }),
  );
  const config = testConfig(path, {
    task: 'object-detection',
    input: { colorOrder: 'BGR', scale: 1 },
    labels: ['person'],
    decoder: {
      kind: 'yolo-grid',
      anchors: CUSTOM_VISION_ANCHORS,
      classActivation: 'softmax',
      threshold: 0.1,
      nmsIou: 0.45,
      maxDetections: 20,
    },
  });
  const { url } = await start(config, await createScorer(config));
  const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#334455' } })
    .jpeg()
    .toBuffer();
  const body = await (await postRaw(`${url}/image`, jpeg)).json();
  assert.is(body.predictions.length, 1);
  const [p] = body.predictions;
  assert.equal([p.tagName, p.tagId], ['person', 0]);
  const w = 1.87 / 13;
  assert.ok(Math.abs(p.boundingBox.left - (3.5 / 13 - w / 2)) < 1e-6, JSON.stringify(p.boundingBox));
  assert.ok(Math.abs(p.boundingBox.width - w) < 1e-6);
  assert.ok(Math.abs(p.probability - 1 / (1 + Math.exp(-6))) < 1e-6);
});

async function expectError(res, status, pattern) {
  assert.is(res.status, status);
  assert.match(res.headers.get('content-type'), /application\/json/);
  const body = await res.json();
  assert.match(body.error.message, pattern);
  return body;
}

async function stillServes(url = base) {
  const res = await postRaw(`${url}/image`, upright);
  assert.is(res.status, 200, 'the server still answers after a bad request');
  assert.is((await res.json()).predictions[0].tagName, '0');
}

test('bad requests get clear 4xx JSON errors and the server keeps answering', async () => {
  await expectError(await postRaw(`${base}/image`, Buffer.from('this is not an image')), 400, /not an image/);
  await stillServes();
  await expectError(await postRaw(`${base}/image`, Buffer.alloc(0)), 400, /empty/);
  await stillServes();
  await expectError(await postRaw(`${base}/score`, upright, 'application/json'), 415, /application\/json/);
  await expectError(await postRaw(`${base}/predict`, upright, 'text/plain'), 415, /text\/plain/);
  const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
    .gif()
    .toBuffer();
  await expectError(await postRaw(`${base}/image`, gif), 415, /gif/);
  await expectError(await fetch(`${base}/score`), 405, /POST/);
  await expectError(await fetch(`${base}/nothing-here`), 404, /nothing-here/);
  const noFiles = new FormData();
  noFiles.append('note', '');
  await expectError(await fetch(`${base}/score`, { method: 'POST', body: noFiles }), 400, /no image/);
  await expectError(await postForm(`${base}/image`, [['other', Buffer.alloc(0), '']]), 400, /imageData|empty/);
  await expectError(
    await postForm(`${base}/score`, [
      ['a', upright],
      ['a', rotated],
    ]),
    400,
    /more than once/,
  );
  await expectError(await postForm(`${base}/score`, [['a', Buffer.from('garbage')]]), 400, /not an image/);
  await expectError(
    await postForm(`${base}/score`, [
      ['good', upright],
      ['broken', Buffer.from('garbage')],
    ]),
    400,
    /^Field 'broken': .*not an image/,
  );
  await stillServes();
});

test('bodies over maxBodyBytes get 413, with or without Content-Length, multipart or raw', async () => {
  const config = orientationConfig({ server: { maxBodyBytes: 50_000 } });
  const { url } = await start(config, orientation);
  const big = Buffer.alloc(400_000, 7);
  await expectError(await postRaw(`${url}/image`, big), 413, /50000-byte limit/);
  await stillServes(url);
  const chunked = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(20_000));
      controller.close();
    },
  });
  const res = await fetch(`${url}/image`, {
    method: 'POST',
    body: chunked,
    duplex: 'half',
    headers: { 'content-type': 'application/octet-stream' },
  });
  await expectError(res, 413, /limit/);
  await stillServes(url);
  await expectError(await postForm(`${url}/predict`, [['big', big]]), 413, /limit/);
  await stillServes(url);
});

test('an API left out of the config is not served', async () => {
  const config = orientationConfig({ server: { apis: ['customvision'] } });
  const { url } = await start(config, orientation);
  assert.is((await postForm(`${url}/score`, [['a', upright]])).status, 404);
  assert.is((await postForm(`${url}/predict`, [['a', upright]])).status, 404);
  assert.is((await fetch(`${url}/v2/health/live`)).status, 404);
  await stillServes(url);
});

test('20 parallel requests are all answered correctly', async () => {
  const requests = Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? postRaw(`${base}/image`, upright).then((r) => r.json())
      : postForm(`${base}/predict`, [['img', rotated]]).then((r) => r.json()),
  );
  const answers = await Promise.all(requests);
  answers.forEach((a, i) => {
    if (i % 2 === 0) assert.is(a.predictions[0].tagName, '0', `request ${i}`);
    else assert.is(a.results.img.predictions[0].label, '180', `request ${i}`);
  });
});

/** A scorer whose runs wait until released, to fill the limiter deterministically. */
function gatedScorer() {
  const waiting = [];
  let started = 0;
  const result = {
    predictions: [{ label: 'x', labelId: 0, score: 1 }],
    image: { width: 1, height: 1 },
    timings: { preprocessMs: 0, inferenceMs: 1, postprocessMs: 0, totalMs: 1, batchSize: 1 },
  };
  return {
    summary: { name: 'gated' },
    description: { inputs: [], outputs: [] },
    score: () =>
      new Promise((resolve) => {
        started++;
        waiting.push(() => resolve(result));
      }),
    scoreBatch(images) {
      return Promise.all(images.map(() => this.score()));
    },
    close: async () => undefined,
    releaseAll: () => waiting.splice(0).forEach((r) => r()),
    get started() {
      return started;
    },
  };
}

async function until(condition, what) {
  for (let i = 0; i < 1000; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a full queue answers 503 with Retry-After, and queued requests complete after', async () => {
  const scorer = gatedScorer();
  const { url } = await start(orientationConfig({ server: { concurrency: 1, queueLimit: 1 } }), scorer, { retryAfterSeconds: 2 });
  const health = async () => (await fetch(`${url}/healthz`)).json();
  const first = postRaw(`${url}/image`, upright);
  await until(() => scorer.started === 1, 'the first request to run');
  const second = postRaw(`${url}/image`, upright);
  await until(async () => (await health()).waiting === 1, 'the second request to queue');
  const third = await postRaw(`${url}/image`, upright);
  assert.is(third.status, 503);
  assert.is(third.headers.get('retry-after'), '2');
  assert.match((await third.json()).error.message, /busy/);
  scorer.releaseAll();
  await until(() => scorer.started === 2, 'the queued request to run');
  scorer.releaseAll();
  assert.equal([(await first).status, (await second).status], [200, 200]);
  const after = await health();
  assert.equal([after.active, after.waiting], [0, 0]);
});

test('an internal error answers 500 without details and the server keeps going', async () => {
  const lines = [];
  let fail = true;
  const scorer = {
    summary: { name: 'flaky' },
    scoreBatch: async () => {
      if (fail) throw new Error('secret internal detail');
      return [
        {
          predictions: [],
          image: { width: 1, height: 1 },
          timings: { preprocessMs: 0, inferenceMs: 0, postprocessMs: 0, totalMs: 0, batchSize: 1 },
        },
      ];
    },
    close: async () => undefined,
  };
  const { url } = await start(orientationConfig(), scorer, { log: (l) => lines.push(l) });
  const res = await postRaw(`${url}/image`, upright);
  assert.is(res.status, 500);
  const text = await res.text();
  assert.not.match(text, /secret/);
  assert.ok(
    lines.some((l) => l.includes('secret internal detail')),
    'the cause goes to the log',
  );
  fail = false;
  assert.is((await postRaw(`${url}/image?Prediction-Key=s3cr3t`, upright)).status, 200);
  assert.not.ok(
    lines.some((l) => l.includes('s3cr3t')),
    'query strings stay out of the log',
  );
  assert.ok(lines.some((l) => / POST \/image 500 /.test(l)) && lines.some((l) => / POST \/image 200 /.test(l)), 'one log line per request');
});

test('main entry: reads the config file, loads model/model.onnx, serves, and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-scoring-main-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'model'));
  copyFileSync(ORIENTATION_MODEL, join(dir, 'model', 'model.onnx'));
  const config = { ...orientationConfig({ server: { port: 5001 } }), model: { path: 'model/model.onnx' } };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const mainJs = fileURLToPath(new URL('../../dist/runtime/scoring/main.js', import.meta.url));
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, EDGEML_CONFIG: join(dir, 'config.json'), EDGEML_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  await until(() => /listening on port (\d+)/.test(out), 'the server to listen');
  const url = `http://127.0.0.1:${/listening on port (\d+)/.exec(out)[1]}`;
  await until(async () => (await fetch(`${url}/healthz`)).status === 200, 'the model to load');
  // A request whose body is still arriving when SIGTERM comes: it was accepted, so it must still be answered.
  let sendRest;
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(rotated.subarray(0, 100));
      sendRest = () => {
        controller.enqueue(rotated.subarray(100));
        controller.close();
      };
    },
  });
  const inFlight = fetch(`${url}/image`, { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/octet-stream' } });
  await new Promise((r) => setTimeout(r, 150));
  child.kill('SIGTERM');
  await until(() => /SIGTERM: finishing/.test(out), 'the signal to arrive');
  sendRest();
  const answer = await inFlight;
  assert.is(answer.status, 200, 'a request running at SIGTERM still completes');
  assert.is((await answer.json()).predictions[0].tagName, '180');
  assert.is(await exited, 0, out);
  assert.match(out, /SIGTERM: finishing/);
  assert.match(out, /stopped\./);
  assert.match(out, / POST \/image 200 /);
});

test('main entry: SIGTERM while the model is still loading exits cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-scoring-early-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'model'));
  copyFileSync(ORIENTATION_MODEL, join(dir, 'model', 'model.onnx'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ ...orientationConfig({ server: { port: 5001 } }), model: { path: 'model/model.onnx' } }),
  );
  const mainJs = fileURLToPath(new URL('../../dist/runtime/scoring/main.js', import.meta.url));
  const child = spawn(process.execPath, [mainJs, join(dir, 'config.json')], {
    env: { ...process.env, EDGEML_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  await until(() => /listening on port/.test(out), 'the server to listen');
  child.kill('SIGTERM');
  assert.is(await exited, 0, out);
  assert.match(out, /stopped\./);
});

test('main entry: a bad config exits 1 with one line naming the problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-scoring-bad-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      ...orientationConfig({ server: { port: 5001 } }),
      decoder: { kind: 'classification', activation: 'maybe', topK: 1, threshold: 0 },
    }),
  );
  const mainJs = fileURLToPath(new URL('../../dist/runtime/scoring/main.js', import.meta.url));
  const child = spawn(process.execPath, [mainJs, join(dir, 'config.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.is(code, 1);
  assert.match(err, /config\.decoder\.activation must be one of/);
  assert.is(err.trim().split('\n').length, 1, err);
});

test.run();
