// The Open Inference Protocol (KServe v2 REST; Triton's binary tensor data extension), with requests written from the
// published protocol: health, server and model metadata (compared with what onnxruntime itself reads from the real
// text-orientation ONNX model), infer with JSON tensors (compared with a direct onnxruntime run), binary tensors in
// and out, the image convenience input, and errors as {"error": "..."} with 4xx/5xx statuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { createScoringServer } from '../../dist/runtime/scoring/server.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { createWorkerScorer } from '../../dist/runtime/scoring/worker-pool.js';
import { orientationConfig, testConfig, FIXTURE_IMAGES, ORIENTATION_MODEL } from '../helpers/onnx-configs.mjs';
import { constantOutputsModel, createModelDir, yoloGridValues, CUSTOM_VISION_ANCHORS } from '../helpers/onnx-builder.mjs';
import sharp from 'sharp';
import { startGeneratedModule, REPO_ROOT } from '../helpers/generated-module.mjs';

const upright = readFileSync(FIXTURE_IMAGES + 'text-upright.png');
const rotated = readFileSync(FIXTURE_IMAGES + 'text-rotated.jpg');
const cleanups = [];
let base;
let direct; // onnxruntime's own session on the same model, for expected values

async function start(config, scorer) {
  const server = createScoringServer(config);
  if (scorer) server.setScorer(scorer);
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(() => server.close(1000));
  return { url: `http://127.0.0.1:${port}`, server };
}

test.before(async () => {
  direct = await ort.InferenceSession.create(ORIENTATION_MODEL);
  const scorer = await createScorer(orientationConfig());
  base = (await start(orientationConfig(), scorer)).url;
});
test.after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await direct.release();
});

/** A deterministic FP32 input of the model's shape at 48×64, values in [-1, 1]. */
function sampleInput() {
  const shape = [1, 3, 48, 64];
  const data = new Float32Array(shape.reduce((a, b) => a * b));
  let s = 7;
  for (let i = 0; i < data.length; i++) data[i] = ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return { shape, data };
}

async function expectedOutput(input) {
  const out = await direct.run({ x: new ort.Tensor('float32', input.data, input.shape) });
  return out['softmax_0.tmp_0'];
}

const postJson = (path, body, headers = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function expectV2Error(res, status, pattern) {
  const text = await res.text();
  assert.is(res.status, status, text);
  const body = JSON.parse(text);
  assert.equal(Object.keys(body), ['error'], 'the protocol error shape: {"error": $string}');
  assert.is(typeof body.error, 'string');
  assert.match(body.error, pattern);
}

test('health: live at once, ready only once the model can score; model readiness by name and version', async () => {
  const { url, server } = await start(orientationConfig());
  const live = await fetch(`${url}/v2/health/live`);
  assert.is(live.status, 200);
  assert.is(await live.text(), '');
  // "A 200 status code indicates true and a 4xx status code indicates false. The HTTP response body should be empty."
  const notReady = await fetch(`${url}/v2/health/ready`);
  assert.ok(notReady.status >= 400 && notReady.status < 500, String(notReady.status));
  assert.is(await notReady.text(), '');
  assert.ok((await fetch(`${url}/v2/models/orientation/ready`)).status >= 400);
  server.setScorer(await createScorer(orientationConfig()));
  assert.is((await fetch(`${url}/v2/health/ready`)).status, 200);
  assert.is((await fetch(`${url}/v2/models/orientation/ready`)).status, 200);
  assert.is((await fetch(`${url}/v2/models/orientation/versions/1/ready`)).status, 200);
  await expectV2Error(await fetch(`${url}/v2/models/other/ready`), 404, /Unknown model 'other'/);
  await expectV2Error(await fetch(`${url}/v2/models/orientation/versions/7/ready`), 404, /Unknown version '7'/);
});

test('server metadata: name, version and the extensions it supports', async () => {
  const res = await fetch(`${base}/v2`);
  assert.is(res.status, 200);
  const body = await res.json();
  assert.is(typeof body.name, 'string');
  assert.is(typeof body.version, 'string');
  assert.ok(body.extensions.includes('binary_tensor_data'));
});

test('model metadata comes from the real ONNX model: names, datatypes, shapes with -1 for variable dims', async () => {
  const toV2 = (m) => ({
    name: m.name,
    datatype: { float32: 'FP32', int64: 'INT64', uint8: 'UINT8' }[m.type],
    shape: m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)),
  });
  for (const path of ['/v2/models/orientation', '/v2/models/orientation/versions/1']) {
    const res = await fetch(`${base}${path}`);
    assert.is(res.status, 200, path);
    const body = await res.json();
    assert.is(body.name, 'orientation');
    assert.equal(body.versions, ['1']);
    assert.is(body.platform, 'onnxruntime_onnx');
    assert.equal(body.inputs, direct.inputMetadata.map(toV2));
    assert.equal(body.outputs, direct.outputMetadata.map(toV2));
  }
  // What that is for this model, spelled out: PaddleOCR's classifier takes x [N, 3, H, W] and gives 2 softmax scores.
  const body = await (await fetch(`${base}/v2/models/orientation`)).json();
  assert.equal(body.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
  assert.equal(body.outputs, [{ name: 'softmax_0.tmp_0', datatype: 'FP32', shape: [-1, 2] }]);
  await expectV2Error(await fetch(`${base}/v2/models/nope`), 404, /Unknown model/);
  await expectV2Error(await fetch(`${base}/v2/models/%E0%A4%A`), 400, /not a valid URL path segment/);
});

test('infer with JSON tensors (flat or nested) matches a direct onnxruntime run; id is echoed; outputs by name', async () => {
  const input = sampleInput();
  const expected = await expectedOutput(input);
  const flat = await postJson('/v2/models/orientation/infer', {
    id: 'req-1',
    inputs: [{ name: 'x', shape: input.shape, datatype: 'FP32', data: Array.from(input.data) }],
  });
  assert.is(flat.status, 200);
  const body = await flat.json();
  assert.is(body.model_name, 'orientation');
  assert.is(body.model_version, '1');
  assert.is(body.id, 'req-1');
  assert.is(body.outputs.length, 1);
  const [out] = body.outputs;
  assert.equal([out.name, out.datatype, out.shape], ['softmax_0.tmp_0', 'FP32', [1, 2]]);
  out.data.forEach((v, i) => assert.ok(Math.abs(v - expected.data[i]) < 1e-6, `${v} vs ${expected.data[i]}`));
  // Nested row-major data and an explicit output list give the same numbers.
  const nested = [
    [0, 1, 2].map((c) => Array.from({ length: 48 }, (_, y) => Array.from(input.data.subarray((c * 48 + y) * 64, (c * 48 + y + 1) * 64)))),
  ];
  const res = await postJson('/v2/models/orientation/versions/1/infer', {
    inputs: [{ name: 'x', shape: input.shape, datatype: 'FP32', data: nested }],
    outputs: [{ name: 'softmax_0.tmp_0' }],
  });
  assert.equal((await res.json()).outputs[0].data, out.data);
});

test('binary tensor data extension: binary input and output, Inference-Header-Content-Length both ways', async () => {
  const input = sampleInput();
  const expected = await expectedOutput(input);
  const head = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'x', shape: input.shape, datatype: 'FP32', parameters: { binary_data_size: input.data.byteLength } }],
      outputs: [{ name: 'softmax_0.tmp_0', parameters: { binary_data: true } }],
    }),
  );
  const res = await fetch(`${base}/v2/models/orientation/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(head.length) },
    body: Buffer.concat([head, Buffer.from(input.data.buffer)]),
  });
  assert.is(res.status, 200);
  const length = Number(res.headers.get('inference-header-content-length'));
  const bytes = Buffer.from(await res.arrayBuffer());
  const answer = JSON.parse(bytes.subarray(0, length).toString());
  const [out] = answer.outputs;
  assert.is(out.data, undefined, 'binary outputs carry no JSON data');
  assert.is(out.parameters.binary_data_size, 8);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + length, bytes.byteOffset + length + 8));
  values.forEach((v, i) => assert.ok(Math.abs(v - expected.data[i]) < 1e-6));
  // binary_data_output for the whole request.
  const all = await postJson('/v2/models/orientation/infer', {
    parameters: { binary_data_output: true },
    inputs: [{ name: 'x', shape: input.shape, datatype: 'FP32', data: Array.from(input.data) }],
  });
  assert.ok(Number(all.headers.get('inference-header-content-length')) > 0);
});

test('image input: BYTES of encoded images (base64 in JSON, raw in binary) runs preprocessing and the decoder', async () => {
  const res = await postJson('/v2/models/orientation/infer', {
    inputs: [{ name: 'image', shape: [2], datatype: 'BYTES', data: [rotated.toString('base64'), upright.toString('base64')] }],
  });
  const text = await res.text();
  assert.is(res.status, 200, text);
  const outputs = Object.fromEntries(JSON.parse(text).outputs.map((o) => [o.name, o]));
  assert.equal(outputs.label.shape, [2, 2]);
  assert.is(outputs.label.datatype, 'BYTES');
  assert.equal([outputs.label.data[0], outputs.label.data[2]], ['180', '0']);
  assert.equal([outputs.label_id.data[0], outputs.label_id.data[2]], [1, 0]);
  assert.ok(outputs.score.data[0] > 0.8 && outputs.score.data[2] > 0.8);
  assert.is(outputs.box, undefined, 'no boxes for a classifier');
  // The same image as a binary BYTES element: 4-byte little-endian length, then the bytes.
  const element = Buffer.concat([Buffer.alloc(4), rotated]);
  element.writeUInt32LE(rotated.length, 0);
  const head = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: element.length } }],
      outputs: [{ name: 'label' }],
    }),
  );
  const binary = await fetch(`${base}/v2/models/orientation/infer`, {
    method: 'POST',
    headers: { 'inference-header-content-length': String(head.length) },
    body: Buffer.concat([head, element]),
  });
  const answer = await binary.json();
  assert.equal(
    answer.outputs.map((o) => [o.name, o.data[0]]),
    [['label', '180']],
  );
});

test('image input on a detector adds box [N, K, 4] (x1 y1 x2 y2 in 0..1), rows padded for images with fewer detections', async () => {
  const models = createModelDir();
  cleanups.push(async () => models.cleanup());
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
  const res = await fetch(`${url}/v2/models/test/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [jpeg.toString('base64')] }] }),
  });
  const text = await res.text();
  assert.is(res.status, 200, text);
  const outputs = Object.fromEntries(JSON.parse(text).outputs.map((o) => [o.name, o]));
  assert.equal(outputs.box.shape, [1, 1, 4]);
  assert.is(outputs.box.datatype, 'FP32');
  const [x1, y1, x2, y2] = outputs.box.data;
  const w = 1.87 / 13;
  assert.ok(Math.abs(x1 - (3.5 / 13 - w / 2)) < 1e-5 && Math.abs(x2 - x1 - w) < 1e-5, String(outputs.box.data));
  assert.ok(y1 < y2 && y2 <= 1);
  assert.equal([outputs.label.data, outputs.label_id.data], [['person'], [0]]);
  // The model's own input and outputs are what metadata lists.
  const metadata = await (await fetch(`${url}/v2/models/test`)).json();
  assert.equal(metadata.inputs, [{ name: 'data', datatype: 'FP32', shape: [1, 3, 416, 416] }]);
  assert.equal(metadata.outputs, [{ name: 'model_outputs', datatype: 'FP32', shape: grid.dims }]);
});

test('errors: protocol shape and status for bad JSON, unknown input/output, datatype, shape/data mismatch, FP16 JSON, oversized shape', async () => {
  const infer = (body, headers) => postJson('/v2/models/orientation/infer', body, headers);
  const x = (over = {}) => ({ name: 'x', shape: [1, 3, 48, 8], datatype: 'FP32', data: new Array(1152).fill(0), ...over });
  await expectV2Error(await infer('{not json'), 400, /not valid JSON/);
  await expectV2Error(await infer({}), 400, /'inputs' must be a non-empty list/);
  await expectV2Error(await infer({ inputs: [x({ name: 'y' })] }), 400, /no input 'y'/);
  await expectV2Error(await infer({ inputs: [x({ datatype: 'INT64' })] }), 400, /takes float32, not int64/);
  await expectV2Error(await infer({ inputs: [x({ datatype: 'FLOAT' })] }), 400, /'datatype' must be one of/);
  await expectV2Error(await infer({ inputs: [x({ shape: [1, 4, 48, 8], data: new Array(1536).fill(0) })] }), 400, /dimension 1 must be 3/);
  await expectV2Error(await infer({ inputs: [x({ data: [1, 2, 3] })] }), 400, /holds 3 element\(s\), its shape 1152/);
  await expectV2Error(await infer({ inputs: [x({ datatype: 'FP16' })] }), 400, /FP16 has no JSON form|takes float32/);
  await expectV2Error(await infer({ inputs: [x({ shape: [1, 3, 100000, 100000] })] }), 413, /more than/);
  await expectV2Error(await infer({ inputs: [x()], outputs: [{ name: 'logits' }] }), 400, /no output 'logits'/);
  await expectV2Error(await infer({ inputs: [x({ data: undefined })] }), 400, /'data' is missing/);
  await expectV2Error(
    await infer(
      '{"inputs": [{"name": "x", "shape": [1, 3, 48, 8], "datatype": "FP32", "data": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}]}',
    ),
    400,
    /nested deeper|not valid JSON/,
  );
  await expectV2Error(await infer('{"inputs": []}', { 'inference-header-content-length': '999' }), 400, /does not fit/);
  await expectV2Error(
    await infer({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [Buffer.from('not an image').toString('base64')] }] }),
    400,
    /not an image/,
  );
  await expectV2Error(await fetch(`${base}/v2/models/nope/infer`, { method: 'POST', body: '{}' }), 404, /Unknown model/);
  await expectV2Error(await fetch(`${base}/v2/models/orientation/infer`), 405, /POST/);
  await expectV2Error(await fetch(`${base}/v2/repository/index`, { method: 'POST', body: '{}' }), 404, /No such endpoint/);
  // The server still answers after all that.
  assert.is((await infer({ inputs: [x()] })).status, 200);
});

test('busy and not-ready answers are 503 in the protocol shape', async () => {
  const { url } = await start(orientationConfig());
  const res = await fetch(`${url}/v2/models/orientation/infer`, { method: 'POST', body: JSON.stringify({ inputs: [] }) });
  assert.is(res.status, 503);
  assert.ok(res.headers.get('retry-after'));
  assert.equal(Object.keys(await res.json()), ['error']);
  await expectV2Error(await fetch(`${url}/v2/models/orientation`), 503, /loading/);
});

test('infer runs in the worker threads of the production scorer too', async () => {
  const scorer = await createWorkerScorer(orientationConfig(), { workers: 1 });
  const { url } = await start(orientationConfig(), scorer);
  const input = sampleInput();
  const expected = await expectedOutput(input);
  const res = await fetch(`${url}/v2/models/orientation/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs: [{ name: 'x', shape: input.shape, datatype: 'FP32', data: Array.from(input.data) }] }),
  });
  const text = await res.text();
  assert.is(res.status, 200, text);
  JSON.parse(text).outputs[0].data.forEach((v, i) => assert.ok(Math.abs(v - expected.data[i]) < 1e-6));
});

test('the generated text-orientation module speaks the protocol: metadata from its ONNX file, image infer', async () => {
  const module = await startGeneratedModule({ specPath: `${REPO_ROOT}/specs/text-orientation.yaml`, module: 'orientation' });
  cleanups.push(() => module.stop());
  const toV2 = (m) => ({ name: m.name, datatype: 'FP32', shape: m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)) });
  const metadata = await (await fetch(`${module.url}/v2/models/orientation`)).json();
  assert.equal([metadata.inputs, metadata.outputs], [direct.inputMetadata.map(toV2), direct.outputMetadata.map(toV2)]);
  assert.is((await fetch(`${module.url}/v2/health/ready`)).status, 200);
  const res = await fetch(`${module.url}/v2/models/orientation/infer`, {
    method: 'POST',
    body: JSON.stringify({
      inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [rotated.toString('base64')] }],
      outputs: [{ name: 'label' }, { name: 'score' }],
    }),
  });
  const body = await res.json();
  assert.equal(
    body.outputs.map((o) => o.name),
    ['label', 'score'],
  );
  assert.is(body.outputs[0].data[0], '180');
});

test.run();
