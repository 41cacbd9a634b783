// Zipped Custom Vision exports: the zip reader (stored and deflated entries, nested folders, damage) and
// introspection of model.onnx straight from the archive, through introspectSpecModel too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listZipEntries, findZipEntry, readZipEntry, isZip, extractZipEntry } from '../../dist/model/zip.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { orientationConfig, FIXTURE_IMAGES, ORIENTATION_MODEL } from '../helpers/onnx-configs.mjs';
import { introspectModelInZip, introspectSpecModel, locateSpecModel } from '../../dist/model/introspect.js';
import { constantOutputsModel, createModelDir, yoloGridValues } from '../helpers/onnx-builder.mjs';
import { createZip } from '../helpers/onnx-zip.mjs';
import { workflowIR } from '../helpers/onnx-ir.mjs';

const dir = createModelDir();
const grid = yoloGridValues({ anchors: 5, classes: 2, gridW: 13, gridH: 13, cells: [] });
const model = constantOutputsModel({
  input: { name: 'data', dims: [1, 3, 416, 416] },
  constants: { model_outputs: grid },
  metadata: { 'Image.BitmapPixelFormat': 'Bgr8' },
});

test('entries are listed and read back byte for byte, stored or deflated', () => {
  const zip = createZip([
    { name: 'labels.txt', data: 'person\ncar\n', deflate: false },
    { name: 'model.onnx', data: Buffer.from(model) },
    { name: 'python/predict.py', data: 'print(1)\n' },
  ]);
  assert.ok(isZip(zip));
  const entries = listZipEntries(zip);
  assert.equal(
    entries.map((e) => e.name),
    ['labels.txt', 'model.onnx', 'python/predict.py'],
  );
  assert.is(readZipEntry(zip, findZipEntry(entries, 'labels.txt')).toString(), 'person\ncar\n');
  assert.ok(readZipEntry(zip, findZipEntry(entries, 'model.onnx')).equals(Buffer.from(model)));
  assert.is(findZipEntry(entries, 'predict.py').name, 'python/predict.py', 'found by file name in a folder');
  assert.is(findZipEntry(entries, 'missing.txt'), undefined);
});

test('damaged archives fail with ZipError', () => {
  const zip = createZip([{ name: 'model.onnx', data: Buffer.from(model) }]);
  assert.throws(
    () => listZipEntries(zip.subarray(0, zip.length - 30)),
    (e) => e.name === 'ZipError',
  );
  const corrupt = Buffer.from(zip);
  corrupt.fill(0xff, 40, 80); // inside the deflated data
  const entry = listZipEntries(corrupt)[0];
  assert.throws(
    () => readZipEntry(corrupt, entry),
    (e) => e.name === 'ZipError',
  );
});

test('a model inside a zip is introspected without extracting it', async () => {
  const path = dir.write(
    'export.zip',
    createZip([
      { name: 'labels.txt', data: 'a\nb\n' },
      { name: 'model.onnx', data: Buffer.from(model) },
    ]),
  );
  const info = await introspectModelInZip(path, 'model.onnx');
  assert.equal(info.inputs, [{ name: 'data', elementType: 'float32', shape: [1, 3, 416, 416] }]);
  assert.equal(info.outputs[0].shape, [1, 35, 13, 13]);
  assert.equal(info.metadata, { 'Image.BitmapPixelFormat': 'Bgr8' });
  try {
    await introspectModelInZip(path, 'other.onnx');
    assert.unreachable();
  } catch (error) {
    assert.equal([error.name, error.kind], ['ModelIntrospectionError', 'missing']);
  }
  const notOnnx = dir.write('bad.zip', createZip([{ name: 'model.onnx', data: 'hello' }]));
  try {
    await introspectModelInZip(notOnnx, 'model.onnx');
    assert.unreachable();
  } catch (error) {
    assert.is(error.kind, 'not-onnx');
    assert.match(error.message, /model\.onnx' in/);
  }
});

test('introspectSpecModel reads a zipped Custom Vision source; locateSpecModel extracts its model only when asked', async () => {
  dir.write(
    'cv.zip',
    createZip([
      { name: 'model.onnx', data: readFileSync(ORIENTATION_MODEL) },
      { name: 'labels.txt', data: '0\n180\n' },
    ]),
  );
  const ir = workflowIR({
    specDir: dir.dir,
    source: { kind: 'customvision', path: 'cv.zip', modelFile: 'model.onnx', labelsFile: 'labels.txt' },
  });
  const result = await introspectSpecModel(ir);
  assert.is(result.status, 'ok');
  assert.is(result.info.inputs[0].name, 'x');
  assert.match(result.info.file, /cv\.zip#model\.onnx$/);
  const located = await locateSpecModel(ir);
  assert.ok('deferred' in located);
  const extractTo = join(dir.dir, 'extracted');
  mkdirSync(extractTo);
  const extracted = await locateSpecModel(ir, { extractTo });
  assert.is(extracted.file, join(extractTo, 'model.onnx'));
  assert.ok(readFileSync(extracted.file).equals(readFileSync(ORIENTATION_MODEL)));
});

test('a zipped model scores in-process from memory (createScorer modelBytes)', async () => {
  const path = dir.write('scorable.zip', createZip([{ name: 'export/model.onnx', data: readFileSync(ORIENTATION_MODEL) }]));
  const scorer = await createScorer(orientationConfig(), { modelBytes: await extractZipEntry(path, 'model.onnx') });
  const { predictions } = await scorer.score(readFileSync(FIXTURE_IMAGES + 'text-rotated.png'));
  await scorer.close();
  assert.is(predictions[0].label, '180');
  await extractZipEntry(path, 'labels.txt').then(
    () => assert.unreachable(),
    (error) => assert.is(error.name, 'ZipError'),
  );
});

test.after(() => dir.cleanup());
test.run();
