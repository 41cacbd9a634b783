// Model introspection tests: real PaddleOCR models (symbolic dims), generated models, one-line typed errors for
// missing / unreadable / non-ONNX files, and deferred results for remote sources not available locally.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { introspectModel, introspectSpecModel, locateSpecModel } from '../../dist/model/introspect.js';
import { channelMeanModel, createModelDir, UINT8 } from '../helpers/onnx-builder.mjs';
import { ORIENTATION_MODEL, TEXT_DETECTION_MODEL } from '../helpers/onnx-configs.mjs';
import { workflowIR } from '../helpers/onnx-ir.mjs';

const dir = createModelDir();

test('the orientation classifier: input x [?, 3, ?, ?] float32, output softmax [?, 2]', async () => {
  const info = await introspectModel(ORIENTATION_MODEL);
  assert.is(info.inputs.length, 1);
  const [input] = info.inputs;
  assert.is(input.name, 'x');
  assert.is(input.elementType, 'float32');
  assert.is(input.shape.length, 4);
  assert.is(input.shape[1], 3);
  assert.type(input.shape[0], 'string', 'batch is symbolic');
  assert.type(input.shape[2], 'string', 'height is symbolic');
  assert.equal(
    info.outputs.map((o) => [o.name, o.shape[1]]),
    [['softmax_0.tmp_0', 2]],
  );
  assert.ok(info.sizeBytes > 100_000);
});

test('the text detector: one image input, one probability map output [?, 1, ?, ?]', async () => {
  const info = await introspectModel(TEXT_DETECTION_MODEL);
  assert.is(info.outputs.length, 1);
  assert.is(info.outputs[0].shape.length, 4);
  assert.is(info.outputs[0].shape[1], 1);
});

test('a generated uint8 NHWC model with named batch dim', async () => {
  const path = dir.write('u8.onnx', channelMeanModel({ layout: 'NHWC', elemType: UINT8, batch: 'batch', width: 20, height: 10 }));
  const info = await introspectModel(path);
  assert.equal(info.inputs, [{ name: 'image', elementType: 'uint8', shape: ['batch', 10, 20, 3] }]);
  assert.equal(info.outputs, [{ name: 'means', elementType: 'float32', shape: ['batch', 3] }]);
});

async function expectFailure(path, kind, pattern) {
  try {
    await introspectModel(path);
    assert.unreachable(`${path} should fail`);
  } catch (error) {
    assert.is(error.name, 'ModelIntrospectionError');
    assert.is(error.kind, kind, error.message);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/, 'one line');
  }
}

test('missing, directory, empty, text, JSON, zip and truncated files fail with one-line typed errors', async () => {
  await expectFailure(join(dir.dir, 'nope.onnx'), 'missing', /does not exist/);
  mkdirSync(join(dir.dir, 'folder.onnx'));
  await expectFailure(join(dir.dir, 'folder.onnx'), 'unreadable', /not a file/);
  await expectFailure(dir.write('empty.onnx', Buffer.alloc(0)), 'not-onnx', /empty/);
  await expectFailure(dir.write('json.onnx', Buffer.from('{"model": "nope"}')), 'not-onnx', /not an ONNX model/);
  await expectFailure(dir.write('zip.onnx', Buffer.from('PK\x03\x04rest-of-a-zip-file', 'latin1')), 'not-onnx', /zip archive/);
  await expectFailure(dir.write('text.onnx', Buffer.from('hello world, this is text')), 'not-onnx', /not an ONNX model/);
  const real = channelMeanModel();
  await expectFailure(dir.write('cut.onnx', real.subarray(0, real.length - 20)), 'not-onnx', /not an ONNX model/);
});

test('spec sources: file, Custom Vision folders and zips are local; Azure ML and URLs are deferred', async () => {
  copyFileSync(ORIENTATION_MODEL, join(dir.dir, 'model.onnx'));
  const ok = await introspectSpecModel(workflowIR({ specDir: dir.dir }));
  assert.is(ok.status, 'ok');
  assert.is(ok.info.inputs[0].name, 'x');

  mkdirSync(join(dir.dir, 'cv'));
  copyFileSync(ORIENTATION_MODEL, join(dir.dir, 'cv', 'model.onnx'));
  const cv = await locateSpecModel(
    workflowIR({ specDir: dir.dir, source: { kind: 'customvision', path: 'cv', modelFile: 'model.onnx', labelsFile: 'labels.txt' } }),
  );
  assert.equal(cv, { file: join(dir.dir, 'cv', 'model.onnx') });

  const zip = await introspectSpecModel(
    workflowIR({
      specDir: dir.dir,
      source: { kind: 'customvision', path: 'export.zip', modelFile: 'model.onnx', labelsFile: 'labels.txt' },
    }),
  );
  assert.equal([zip.status, zip.error?.kind], ['error', 'missing'], 'a zip is read in place (see zip.test.mjs); a missing one is an error');
  const aml = await introspectSpecModel(workflowIR({ source: { kind: 'azureml', name: 'resnet', version: 3, file: 'model.onnx' } }));
  assert.is(aml.status, 'deferred');
  assert.match(aml.reason, /resnet/);

  const missing = await introspectSpecModel(workflowIR({ specDir: dir.dir, source: { kind: 'file', path: 'absent.onnx' } }));
  assert.is(missing.status, 'error');
  assert.is(missing.error.kind, 'missing');
});

test('a URL source is introspected from the cache only when its sha256 matches', async () => {
  const cache = join(dir.dir, 'cache');
  mkdirSync(cache);
  const bytes = channelMeanModel();
  writeFileSync(join(cache, 'm.onnx'), bytes);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const source = (sha256) => ({ kind: 'url', url: 'https://example.com/m.onnx', sha256, file: 'm.onnx' });
  const good = await introspectSpecModel(workflowIR({ source: source(sha) }), { cacheDir: cache });
  assert.is(good.status, 'ok');
  assert.is(good.info.outputs[0].name, 'means');
  const bad = await introspectSpecModel(workflowIR({ source: source('0'.repeat(64)) }), { cacheDir: cache });
  assert.is(bad.status, 'deferred');
  assert.match(bad.reason, /sha256/);
  const noCache = await introspectSpecModel(workflowIR({ source: source(sha) }));
  assert.is(noCache.status, 'deferred');
});

test.after(() => dir.cleanup());
test.run();
