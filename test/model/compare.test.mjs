// compareModelWithSpec tests: each mismatch names its IR path and the model's actual value — input size, channels,
// layout, element type, missing input/outputs, output shapes that do not fit the decoder, labels versus classes —
// on real and generated models; a fitting pairing gives no mismatches.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareModelWithSpec } from '../../dist/model/compare.js';
import { introspectModel } from '../../dist/model/introspect.js';
import {
  buildModel,
  valueInfo,
  node,
  constantOutputsModel,
  createModelDir,
  yoloGridValues,
  channelMeanModel,
  CUSTOM_VISION_ANCHORS,
  FLOAT,
  INT64,
  DOUBLE,
  UINT8,
  STRING,
} from '../helpers/onnx-builder.mjs';
import { ORIENTATION_MODEL, TEXT_DETECTION_MODEL } from '../helpers/onnx-configs.mjs';
import { workflowIR } from '../helpers/onnx-ir.mjs';

const dir = createModelDir();
const summary = (mismatches) => mismatches.map((m) => [m.id, m.path.join('.'), m.actual]);

let orientation;
test.before(async () => {
  orientation = await introspectModel(ORIENTATION_MODEL);
});

const orientationSpec = (overrides = {}) =>
  workflowIR({
    labels: ['0', '180'],
    preprocess: { width: 192, height: 48, resize: 'pad-right', ...overrides.preprocess },
    decoder: { kind: 'classification', activation: 'none', topK: 2, threshold: 0 },
    ...overrides.rest,
  });

test('the orientation classifier with its right spec: no mismatches', () => {
  assert.equal(compareModelWithSpec(orientationSpec(), orientation), []);
});

test('variable input size left open in the spec is reported at width and height', () => {
  const ir = orientationSpec({ preprocess: { width: undefined, height: undefined } });
  assert.equal(
    summary(compareModelWithSpec(ir, orientation)).map((m) => m.slice(0, 2)),
    [
      ['input-size-unknown', 'model.preprocess.width'],
      ['input-size-unknown', 'model.preprocess.height'],
    ],
  );
});

test('wrong labels count, layout, element type and input name on the real classifier', () => {
  const threeLabels = { ...orientationSpec(), model: { ...orientationSpec().model, labels: ['a', 'b', 'c'] } };
  const [count] = compareModelWithSpec(threeLabels, orientation);
  assert.equal([count.id, count.path, count.actual, count.expected], ['label-count', ['model', 'labels'], 2, 3]);
  const fromFile = { ...orientationSpec(), model: { ...orientationSpec().model, labels: ['a'], labelsFile: 'labels.txt' } };
  assert.equal(summary(compareModelWithSpec(fromFile, orientation)), [['label-count', 'model.labelsFile', 2]]);
  assert.equal(summary(compareModelWithSpec(orientationSpec({ preprocess: { layout: 'NHWC' } }), orientation))[0], [
    'input-layout',
    'model.preprocess.layout',
    'NCHW',
  ]);
  assert.equal(summary(compareModelWithSpec(orientationSpec({ preprocess: { elementType: 'uint8' } }), orientation)), [
    ['input-element-type', 'model.preprocess.elementType', 'float32'],
  ]);
  const [missing] = compareModelWithSpec(orientationSpec({ preprocess: { inputName: 'images' } }), orientation);
  assert.equal(
    [missing.id, missing.path, missing.actual, missing.expected],
    ['input-missing', ['model', 'preprocess', 'inputName'], 'x', 'images'],
  );
  assert.match(missing.message, /'images'.*'x'/);
});

test('softmax (the default activation) on an output the model already computes with Softmax is flagged', () => {
  const withActivation = (activation) => ({
    ...orientationSpec(),
    model: { ...orientationSpec().model, decoder: { ...orientationSpec().model.decoder, activation } },
  });
  assert.equal(summary(compareModelWithSpec(withActivation('softmax'), orientation)), [
    ['activation-twice', 'model.postprocess.activation', 'Softmax'],
  ]);
  assert.equal(compareModelWithSpec(withActivation('sigmoid'), orientation), []);
  assert.equal(compareModelWithSpec(withActivation('none'), orientation), []);
});

test('a text detector paired with a classification spec: the output is a map, not a score vector', async () => {
  const info = await introspectModel(TEXT_DETECTION_MODEL);
  const ir = workflowIR({ labels: ['text'], preprocess: { width: 640, height: 640 } });
  assert.equal(
    summary(compareModelWithSpec(ir, info)).map((m) => m.slice(0, 2)),
    [['output-shape', 'model.postprocess.output']],
  );
});

test('fixed-size model vs spec size, and one-channel input vs RGB', async () => {
  const grey = buildModel({
    inputs: [valueInfo('image', FLOAT, [1, 1, 28, 28])],
    outputs: [valueInfo('out', FLOAT, [1, 1, 28, 28])],
    nodes: [node('Identity', ['image'], ['out'])],
  });
  const info = await introspectModel(dir.write('grey.onnx', grey));
  const mismatches = compareModelWithSpec(workflowIR({ preprocess: { width: 32, height: 28 } }), info);
  const ids = summary(mismatches);
  assert.ok(
    ids.some((m) => m[0] === 'input-channels' && m[1] === 'model.preprocess.colorOrder' && m[2] === 1),
    JSON.stringify(ids),
  );
  const size = mismatches.find((m) => m.id === 'input-size');
  assert.equal([size.path, size.actual, size.expected], [['model', 'preprocess', 'width'], 28, 32]);
  assert.not.ok(
    mismatches.some((m) => m.id === 'input-size' && m.path[2] === 'height'),
    'height fits',
  );
});

test('unsupported input element type and non-image input rank', async () => {
  const f64 = buildModel({
    inputs: [valueInfo('x', DOUBLE, [1, 3, 8, 8])],
    outputs: [valueInfo('y', DOUBLE, [1, 3, 8, 8])],
    nodes: [node('Identity', ['x'], ['y'])],
  });
  assert.equal(summary(compareModelWithSpec(workflowIR(), await introspectModel(dir.write('f64.onnx', f64))))[0], [
    'input-element-type',
    'model.preprocess.elementType',
    'float64',
  ]);
  const flat = buildModel({
    inputs: [valueInfo('x', FLOAT, [1, 10])],
    outputs: [valueInfo('y', FLOAT, [1, 10])],
    nodes: [node('Identity', ['x'], ['y'])],
  });
  assert.equal(summary(compareModelWithSpec(workflowIR(), await introspectModel(dir.write('flat.onnx', flat))))[0].slice(0, 2), [
    'input-not-image',
    'model.preprocess.inputName',
  ]);
});

test('yolo-grid: classes from the grid vs labels, anchors that do not divide the channels, missing output', async () => {
  const grid = yoloGridValues({ anchors: 5, classes: 2, gridW: 13, gridH: 13, cells: [] });
  const info = await introspectModel(
    dir.write('grid.onnx', constantOutputsModel({ input: { name: 'data', dims: [1, 3, 416, 416] }, constants: { model_outputs: grid } })),
  );
  const decoder = {
    kind: 'yolo-grid',
    anchors: CUSTOM_VISION_ANCHORS,
    classActivation: 'softmax',
    threshold: 0.1,
    nmsIou: 0.45,
    maxDetections: 20,
  };
  const spec = (labels, d = decoder) => workflowIR({ task: 'object-detection', labels, preprocess: { colorOrder: 'BGR' }, decoder: d });
  assert.equal(compareModelWithSpec(spec(['a', 'b']), info), []);
  assert.equal(summary(compareModelWithSpec(spec(['a', 'b', 'c']), info)), [['label-count', 'model.labels', 2]]);
  assert.equal(summary(compareModelWithSpec(spec(['a', 'b'], { ...decoder, anchors: CUSTOM_VISION_ANCHORS.slice(0, 4) }), info)), [
    ['output-shape', 'model.postprocess.anchors', '[1, 35, 13, 13]'],
  ]);
  assert.equal(summary(compareModelWithSpec(spec(['a', 'b'], { ...decoder, output: 'grid' }), info)), [
    ['output-missing', 'model.postprocess.output', 'model_outputs'],
  ]);
});

test('boxes: named outputs that do not exist, boxes without 4 coordinates, unguessable outputs', async () => {
  const model = (boxDims) =>
    constantOutputsModel({
      constants: {
        detected_boxes: { dims: boxDims, values: new Array(boxDims.reduce((a, b) => a * b, 1)).fill(0) },
        detected_scores: { dims: [2], values: [0, 0] },
        detected_classes: { type: INT64, dims: [2], values: [0, 0] },
      },
    });
  const good = await introspectModel(dir.write('boxes.onnx', model([2, 4])));
  const decoder = {
    kind: 'boxes',
    outputs: {},
    boxFormat: 'xyxy',
    normalized: true,
    labelOffset: 0,
    threshold: 0.5,
    nmsIou: 1,
    maxDetections: 10,
  };
  const spec = (d) => workflowIR({ task: 'object-detection', decoder: { ...decoder, ...d } });
  assert.equal(compareModelWithSpec(spec({}), good), []);
  assert.equal(summary(compareModelWithSpec(spec({ outputs: { scores: 'scores' } }), good)), [
    ['output-missing', 'model.postprocess.outputs.scores', 'detected_boxes, detected_scores, detected_classes'],
  ]);
  const five = await introspectModel(dir.write('boxes5.onnx', model([2, 5])));
  assert.equal(summary(compareModelWithSpec(spec({}), five)), [['output-shape', 'model.postprocess.outputs.boxes', '[2, 5]']]);
  const anonymous = await introspectModel(
    dir.write('anon.onnx', constantOutputsModel({ constants: { a: { dims: [1], values: [0] }, b: { dims: [1], values: [0] } } })),
  );
  assert.equal(
    summary(compareModelWithSpec(spec({}), anonymous)).map((m) => m[0]),
    ['boxes-outputs-unknown'],
  );
});

test('uint8 model with a fitting spec has no mismatches; NHWC is inferred', async () => {
  const info = await introspectModel(dir.write('u8.onnx', channelMeanModel({ layout: 'NHWC', elemType: UINT8, width: 10, height: 10 })));
  assert.equal(compareModelWithSpec(workflowIR({ labels: ['r', 'g', 'b'] }), info), []);
  assert.equal(summary(compareModelWithSpec(workflowIR({ labels: ['r', 'g'] }), info)), [['label-count', 'model.labels', 3]]);
});

test('Custom Vision metadata: Bgr8 pixels and the 0-255 range must match colorOrder and scale', async () => {
  const grid = yoloGridValues({ anchors: 5, classes: 1, gridW: 13, gridH: 13, cells: [] });
  const metadata = { 'Image.BitmapPixelFormat': 'Bgr8', 'Image.NominalPixelRange': 'NominalRange_0_255' };
  const info = await introspectModel(
    dir.write(
      'cv-meta.onnx',
      constantOutputsModel({ input: { name: 'data', dims: [1, 3, 416, 416] }, constants: { model_outputs: grid }, metadata }),
    ),
  );
  assert.equal(info.metadata, metadata);
  assert.is(info.producer, 'edgeml-test');
  assert.is(info.opset, 13);
  const decoder = {
    kind: 'yolo-grid',
    anchors: CUSTOM_VISION_ANCHORS,
    classActivation: 'softmax',
    threshold: 0.1,
    nmsIou: 0.45,
    maxDetections: 20,
  };
  const spec = (preprocess) => workflowIR({ task: 'object-detection', labels: ['x'], preprocess, decoder });
  assert.equal(compareModelWithSpec(spec({ colorOrder: 'BGR', scale: 1 }), info), []);
  assert.equal(summary(compareModelWithSpec(spec({ colorOrder: 'RGB', scale: 1 / 255 }), info)), [
    ['color-order', 'model.preprocess.colorOrder', 'BGR'],
    ['pixel-range', 'model.preprocess.scale', '0-255'],
  ]);
});

test('a classifier whose first output is label names (Custom Vision style classLabel + scores)', async () => {
  const path = dir.write(
    'labels-first.onnx',
    constantOutputsModel({
      constants: { classLabel: { type: STRING, dims: [1], values: ['cat'] }, scores: { dims: [1, 2], values: [0.9, 0.1] } },
    }),
  );
  const info = await introspectModel(path);
  assert.is(info.outputs[0].elementType, 'string');
  assert.equal(summary(compareModelWithSpec(workflowIR({ labels: ['cat', 'dog'] }), info)), [
    ['output-element-type', 'model.postprocess.output', 'string'],
  ]);
  const named = workflowIR({
    labels: ['cat', 'dog'],
    decoder: { kind: 'classification', output: 'scores', activation: 'none', topK: 1, threshold: 0 },
  });
  assert.equal(compareModelWithSpec(named, info), []);
});

test.after(() => dir.cleanup());
test.run();
