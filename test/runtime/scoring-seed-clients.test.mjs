// The seed's clients (microsoft/deploy-MLmodels-on-iotedge) against generated scoring modules, each compiled by the
// CLI and started as its container starts it. Request shapes and answer parsing are re-written here from the seed:
// - wf1 (branch yzhangdev, 05_TestMLModule + testing_utilities.py): requests.post(url, files={'image': bytes}),
//   then `[float(c[2]) for c in r.json()[0]["image"]]`, `[c[1] for c in r.json()[0]["image"]]`, three bars;
// - wf2 (05_TestMLModule): the same upload, answer `[[{boxes, labels, scores}], 'Computed in N ms']`;
// - wf3 (ImageCaptureOD CameraCapture.__sendFrameForProcessing + AnnotationParser): an octet-stream POST of a JPEG
//   frame to /image, `r_dict['predictions']`, `probability > 0.40`, boundingBox left/top/width/height × 256;
// - the Custom Vision harness (PeopleDetectionService/app/app.py): its routes, GET / banner, bodies sent by
//   requests.post(url, data=bytes) (no Content-Type) and data={'imageData': bytes} (urlencoded).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constantOutputsModel } from '../helpers/onnx-builder.mjs';
import { startGeneratedModule, REPO_ROOT } from '../helpers/generated-module.mjs';

const jpeg = readFileSync(join(REPO_ROOT, 'specs/samples/text/text-rotated.jpg'));
const people = readFileSync(join(REPO_ROOT, 'specs/samples/people.jpg'));
const cleanups = [];

/** A raw HTTP POST that sends exactly these headers (fetch would add its own), answering {status, headers, text}. */
function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-length': body.length, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Python requests' `files={'image': bytes}`: one part, filename = the key (no name on raw bytes), no part type. */
function requestsFiles(fields) {
  const boundary = randomBytes(16).toString('hex');
  const parts = Object.entries(fields).map(([name, bytes]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\n\r\n`),
      bytes,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const PYTHON_REQUESTS_HEADERS = {
  'user-agent': 'python-requests/2.22.0',
  'accept-encoding': 'gzip, deflate',
  accept: '*/*',
  connection: 'keep-alive',
};

// wf1-like module: a classifier with five ImageNet-style labels, apis [azureml] and top-3 as the seed's driver.
let wf1;
let wf3;
test.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeml-seed-wf1-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const probabilities = [0.01, 0.005, 0.9, 0.07, 0.015];
  writeFileSync(
    join(dir, 'model.onnx'),
    constantOutputsModel({ input: { name: 'data', dims: [1, 3, 32, 32] }, constants: { probs: { dims: [1, 5], values: probabilities } } }),
  );
  writeFileSync(
    join(dir, 'spec.yaml'),
    `edgeml: 1
name: seed-wf1
task: image-classification
model:
  source: { file: model.onnx }
  labels: [tench, goldfish, lynx, leopard, tiger_cat]
  postprocess: { format: classification, activation: none, topK: 3 }
target: { platform: amd64, device: generic, os: debian-12, runtime: "1.6" }
azure:
  resourceGroup: rg
  iotHub: { name: hub-1 }
  registry: { address: localhost:5000 }
  device: { id: dev1 }
modules:
  image-classification-service:
    type: scoring
    port: 5001
    apis: [azureml]
`,
  );
  [wf1, wf3] = await Promise.all([
    startGeneratedModule({ specPath: join(dir, 'spec.yaml'), module: 'image-classification-service' }),
    startGeneratedModule({ specPath: join(REPO_ROOT, 'specs/wf3-custom-vision.yaml'), module: 'people-detection-service' }),
  ]);
  cleanups.push(
    () => wf1.stop(),
    () => wf3.stop(),
  );
});
test.after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test('wf1: requests.post(/score, files={"image": bytes}) reads r.json()[0]["image"] as three [id, label, probability] bars', async () => {
  const { body, headers } = requestsFiles({ image: jpeg });
  const r = await post(`${wf1.url}/score`, { ...PYTHON_REQUESTS_HEADERS, ...headers }, body);
  assert.is(r.status, 200, r.text);
  const json = JSON.parse(r.text);
  // _plot_prediction_bar
  const perf = json[0].image.map((c) => parseFloat(c[2]));
  const tickLabels = json[0].image.map((c) => c[1]).reverse();
  assert.is(perf.length, 3, 'ax.barh(range(3, 0, -1), perf) needs exactly three values');
  assert.equal(tickLabels, ['tiger_cat', 'leopard', 'lynx']);
  assert.ok(Math.abs(perf[0] - 0.9) < 1e-6 && Math.abs(perf[1] - 0.07) < 1e-6 && Math.abs(perf[2] - 0.015) < 1e-6, String(perf));
  for (const c of json[0].image) assert.is(typeof c[0], 'string', 'the class id, as decode_predictions gives it');
  // The notebook prints the second element: the driver's timing string.
  assert.is(json.length, 2);
  assert.match(json[1], /^Computed in \d+\.\d+ ms$/);
});

test('wf1: every multipart field is scored and keyed by its name, as request.files was', async () => {
  const { body, headers } = requestsFiles({ image: jpeg, other: jpeg });
  const json = JSON.parse((await post(`${wf1.url}/score`, { ...PYTHON_REQUESTS_HEADERS, ...headers }, body)).text);
  assert.equal(Object.keys(json[0]).sort(), ['image', 'other']);
  assert.is(json[0].other[0][1], 'lynx');
});

test('wf2: /score on a detector answers [[{boxes, labels, scores}], "Computed in N ms"] with pixel xyxy boxes', async () => {
  const { body, headers } = requestsFiles({ image: people });
  const r = await post(`${wf3.url}/score`, { ...PYTHON_REQUESTS_HEADERS, ...headers }, body);
  assert.is(r.status, 200, r.text);
  const [preds, computed] = JSON.parse(r.text);
  assert.match(computed, /^Computed in \d+\.\d+ ms$/);
  assert.is(preds.length, 1, 'one entry per uploaded image');
  const { boxes, labels, scores } = preds[0];
  assert.ok(boxes.length >= 1, 'the stand-in model finds the people in the sample');
  assert.is(labels.length, boxes.length);
  assert.is(scores.length, boxes.length);
  for (const [x1, y1, x2, y2] of boxes) assert.ok(x1 < x2 && y1 < y2 && x2 > 1 && y2 > 1, 'pixel corners, not 0..1');
});

test('wf3: CameraCapture posts a JPEG frame as octet-stream and AnnotationParser reads the rectangles', async () => {
  const r = await post(`${wf3.url}/image`, { ...PYTHON_REQUESTS_HEADERS, 'content-type': 'application/octet-stream' }, people);
  assert.is(r.status, 200, r.text);
  // json.dumps(response.json()) -> AnnotationParser.getCV2RectanglesFromProcessingService1
  const preds = JSON.parse(r.text).predictions;
  const w = 256;
  const h = 256;
  const rectangles = [];
  for (const p of preds) {
    if (p.probability > 0.4) {
      const { top: ymin, left: xmin, height: ymax, width: xmax } = p.boundingBox;
      assert.ok([ymin, xmin, ymax, xmax].every((v) => typeof v === 'number'));
      rectangles.push([xmin * w, ymin * h, (xmin + xmax) * w, (ymin + ymax) * h]);
    }
  }
  assert.ok(rectangles.length >= 1, JSON.stringify(preds));
  for (const [x1, y1, x2, y2] of rectangles) assert.ok(x1 >= 0 && y1 >= 0 && x2 <= w + 1e-6 && y2 <= h + 1e-6 && x1 < x2 && y1 < y2);
});

test('Custom Vision harness: every /image route of app.py, with raw bodies of any or no Content-Type', async () => {
  const routes = [
    '/image',
    '/proj/image',
    '/proj/image/nostore',
    '/proj/classify/iterations/Iteration1/image',
    '/proj/classify/iterations/Iteration1/image/nostore',
    '/proj/detect/iterations/Iteration1/image',
    '/proj/detect/iterations/Iteration1/image/nostore',
  ];
  for (const route of routes) {
    // requests.post(url, data=bytes) sends no Content-Type at all.
    const r = await post(`${wf3.url}${route}`, PYTHON_REQUESTS_HEADERS, people);
    assert.is(r.status, 200, `${route}: ${r.text}`);
    assert.ok(JSON.parse(r.text).predictions.length >= 1, route);
  }
  for (const type of ['image/jpeg', 'text/plain', 'application/json']) {
    const r = await post(`${wf3.url}/image`, { 'content-type': type }, people);
    assert.is(r.status, 200, `${type}: ${r.text}`);
  }
});

test('Custom Vision harness: imageData as a multipart file and as an urlencoded form field', async () => {
  const { body, headers } = requestsFiles({ imageData: people });
  const multipart = await post(`${wf3.url}/image`, headers, body);
  assert.is(multipart.status, 200, multipart.text);
  // requests.post(url, data={'imageData': bytes}): application/x-www-form-urlencoded, bytes percent-encoded.
  const encoded = Buffer.from('imageData=' + [...people].map((b) => '%' + b.toString(16).padStart(2, '0')).join(''));
  const form = await post(`${wf3.url}/image`, { 'content-type': 'application/x-www-form-urlencoded' }, encoded);
  assert.is(form.status, 200, form.text);
  assert.equal(
    JSON.parse(form.text).predictions.map((p) => p.tagName),
    JSON.parse(multipart.text).predictions.map((p) => p.tagName),
  );
});

test('Custom Vision harness: GET / answers the banner; /url is off by default', async () => {
  const banner = await fetch(`${wf3.url}/`);
  assert.is(banner.status, 200);
  assert.is(await banner.text(), 'CustomVision.ai model host harness');
  const r = await post(
    `${wf3.url}/proj/detect/iterations/Iteration1/url`,
    { 'content-type': 'application/json' },
    Buffer.from(JSON.stringify({ url: `${wf3.url}/` })),
  );
  assert.is(r.status, 403);
  assert.match(JSON.parse(r.text).error.message, /urlFetch\.allow/);
});

test.run();
