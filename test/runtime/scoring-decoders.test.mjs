// Decoder tests: classification activations / top-k / threshold, NMS, Custom Vision YOLO grid and boxes/scores/labels
// detectors, with exact expected predictions (directly and through tiny ONNX models with known constant outputs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { createClassificationDecoder } from '../../dist/runtime/scoring/decoders/classification.js';
import { createYoloGridDecoder } from '../../dist/runtime/scoring/decoders/yolo-grid.js';
import { createBoxesDecoder, guessBoxesOutputs } from '../../dist/runtime/scoring/decoders/boxes.js';
import { nonMaxSuppression, iou } from '../../dist/runtime/scoring/decoders/nms.js';
import { planResize } from '../../dist/runtime/scoring/geometry.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { constantOutputsModel, createModelDir, yoloGridValues, CUSTOM_VISION_ANCHORS, INT64, STRING } from '../helpers/onnx-builder.mjs';
import { testConfig } from '../helpers/onnx-configs.mjs';

const near = (actual, expected, eps = 1e-6, what = '') =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what} expected ${expected}, got ${actual}`);
const sig = (x) => 1 / (1 + Math.exp(-x));
const stretch = (ow, oh, nw, nh) => planResize('stretch', ow, oh, nw, nh);
const models = createModelDir();

// ---------------------------------------------------------------------------------------------------------------
// classification

const classify = (config, dims, data, labels = ['cat', 'dog', 'bird']) =>
  createClassificationDecoder({ kind: 'classification', activation: 'none', topK: 10, threshold: 0, ...config }, ['scores']).decode({
    outputs: { scores: { dims, data: Float32Array.from(data) } },
    batchIndex: 0,
    geometry: stretch(10, 10, 10, 10),
    labels,
  });

test('classification softmax ranks classes and sums to 1', () => {
  const p = classify({ activation: 'softmax' }, [1, 3], [1, 3, 2]);
  assert.equal(
    p.map((x) => x.label),
    ['dog', 'bird', 'cat'],
  );
  const e = [Math.exp(1), Math.exp(3), Math.exp(2)];
  const sum = e[0] + e[1] + e[2];
  near(p[0].score, e[1] / sum, 1e-7, 'dog');
  near(p[2].score, e[0] / sum, 1e-7, 'cat');
  assert.equal(p[0].labelId, 1);
});

test('classification sigmoid, threshold and top-k', () => {
  const p = classify({ activation: 'sigmoid', threshold: 0.5, topK: 1 }, [1, 3], [-2, 0.5, 3]);
  assert.equal(p.length, 1);
  assert.equal(p[0].label, 'bird');
  near(p[0].score, sig(3), 1e-7);
  const two = classify({ activation: 'sigmoid', threshold: 0.5, topK: 5 }, [1, 3], [-2, 0.5, 3]);
  assert.equal(
    two.map((x) => x.label),
    ['bird', 'dog'],
  );
});

test('classification ranks 1000 classes like a full sort: best first, equal scores by label id, threshold inclusive', () => {
  // Scores repeat every 7 classes, so each value is shared by many label ids.
  const data = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 7) / 10);
  const p = classify({ topK: 5, threshold: 0.3 }, [1, 1000], data, []);
  const expected = data
    .map((score, labelId) => ({ label: String(labelId), labelId, score: Math.round(Math.fround(score) * 1e8) / 1e8 }))
    .filter((x) => x.score >= 0.3)
    .sort((a, b) => b.score - a.score || a.labelId - b.labelId)
    .slice(0, 5);
  assert.equal(p, expected);
  assert.equal(
    p.map((x) => x.labelId),
    [3, 10, 17, 24, 31],
  );
  assert.equal(
    classify({ topK: 1000, threshold: 0.6 }, [1, 1000], data, []).length,
    data.filter((v) => Math.fround(v) >= 0.6).length,
    'scores equal to the threshold count',
  );
});

test('classification reads the right batch row, [N, C, 1, 1] shapes and unlabelled classes', () => {
  const decoder = createClassificationDecoder({ kind: 'classification', activation: 'none', topK: 1, threshold: 0 }, ['out']);
  const outputs = { out: { dims: [2, 4, 1, 1], data: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.9, 0.05, 0.03, 0.02]) } };
  const first = decoder.decode({ outputs, batchIndex: 0, geometry: stretch(1, 1, 1, 1), labels: ['a', 'b'] });
  const second = decoder.decode({ outputs, batchIndex: 1, geometry: stretch(1, 1, 1, 1), labels: ['a', 'b'] });
  assert.equal(first[0].label, '3', 'class 3 has no label, so its number is used');
  assert.equal(first[0].labelId, 3);
  assert.equal(second[0].label, 'a');
});

// ---------------------------------------------------------------------------------------------------------------
// NMS

test('nms keeps the best of overlapping same-class boxes, keeps other classes, caps the count', () => {
  const box = (x1, score, classId) => ({ x1, y1: 0, x2: x1 + 10, y2: 10, score, classId });
  const kept = nonMaxSuppression([box(0, 0.6, 0), box(1, 0.9, 0), box(1, 0.8, 1), box(50, 0.5, 0)], 0.45, 10);
  assert.equal(
    kept.map((k) => [k.x1, k.score, k.classId]),
    [
      [1, 0.9, 0],
      [1, 0.8, 1],
      [50, 0.5, 0],
    ],
  );
  assert.equal(nonMaxSuppression([box(0, 0.6, 0), box(1, 0.9, 0)], 1, 10).length, 2, 'iou 1 turns NMS off');
  assert.equal(
    nonMaxSuppression([box(0, 0.6, 0), box(100, 0.9, 0), box(200, 0.7, 0)], 0.45, 2).map((k) => k.score),
    [0.9, 0.7],
  );
  near(iou(box(0, 1, 0), box(5, 1, 0)), 50 / 150, 1e-12);
});

// ---------------------------------------------------------------------------------------------------------------
// YOLO grid (Custom Vision)

const yoloConfig = {
  kind: 'yolo-grid',
  anchors: CUSTOM_VISION_ANCHORS,
  classActivation: 'softmax',
  threshold: 0.1,
  nmsIou: 0.45,
  maxDetections: 20,
};

test('yolo-grid: one lit cell gives exactly one box at the anchor-derived position', () => {
  const grid = yoloGridValues({
    anchors: 5,
    classes: 2,
    gridW: 13,
    gridH: 13,
    cells: [{ anchor: 2, gx: 4, gy: 7, tx: 0, ty: 0, tw: 0, th: 0, objectness: 10, classLogits: [0, 3] }],
  });
  const decoder = createYoloGridDecoder(yoloConfig, ['model_outputs']);
  const [p, ...rest] = decoder.decode({
    outputs: { model_outputs: { dims: grid.dims, data: Float32Array.from(grid.values) } },
    batchIndex: 0,
    geometry: stretch(832, 416, 416, 416),
    labels: ['person', 'car'],
  });
  assert.equal(rest.length, 0);
  assert.equal(p.label, 'car');
  assert.equal(p.labelId, 1);
  near(p.score, (Math.exp(3) / (1 + Math.exp(3))) * sig(10), 1e-7, 'score');
  const [aw, ah] = CUSTOM_VISION_ANCHORS[2];
  const cx = (0.5 + 4) / 13;
  const cy = (0.5 + 7) / 13;
  near(p.box.left, cx - aw / 13 / 2, 1e-6, 'left');
  near(p.box.top, cy - ah / 13 / 2, 1e-6, 'top');
  near(p.box.width, aw / 13, 1e-6, 'width');
  near(p.box.height, ah / 13, 1e-6, 'height');
  // Stretch: the original is 832 wide, so pixel boxes are twice the normalised x times 416.
  near(p.boxPixels.left, (cx - aw / 26) * 832, 0.01, 'pixel left');
  near(p.boxPixels.height, (ah / 13) * 416, 0.01, 'pixel height');
});

test('yolo-grid: threshold, NMS across anchors of one cell, max detections, sigmoid classes', () => {
  const cells = [
    { anchor: 1, gx: 6, gy: 6, objectness: 10, classLogits: [4, 0] },
    // Anchor 2 with tw/th scaled to anchor 1's size: the same box, same class, lower score: suppressed.
    { anchor: 2, gx: 6, gy: 6, tw: Math.log(1.87 / 3.34), th: Math.log(2.06 / 5.47), objectness: 5, classLogits: [4, 0] },
    { anchor: 1, gx: 0, gy: 0, objectness: -1, classLogits: [4, 0] }, // sigmoid(-1)*0.98 = 0.26 > 0.1: kept
    { anchor: 0, gx: 12, gy: 12, objectness: -4, classLogits: [4, 0] }, // 0.018 < 0.1: dropped
  ];
  const grid = yoloGridValues({ anchors: 5, classes: 2, gridW: 13, gridH: 13, cells });
  const input = {
    outputs: { g: { dims: grid.dims, data: Float32Array.from(grid.values) } },
    batchIndex: 0,
    geometry: stretch(416, 416, 416, 416),
    labels: ['a', 'b'],
  };
  const predictions = createYoloGridDecoder(yoloConfig, ['g']).decode(input);
  assert.equal(predictions.length, 2);
  assert.ok(predictions[0].score > predictions[1].score);
  near(predictions[1].box.left, 0, 1e-9, 'clipped to the image');
  assert.equal(createYoloGridDecoder({ ...yoloConfig, maxDetections: 1 }, ['g']).decode(input).length, 1);
  const sigmoidClasses = createYoloGridDecoder({ ...yoloConfig, classActivation: 'sigmoid', threshold: 0.5 }, ['g']).decode(input);
  near(sigmoidClasses[0].score, sig(4) * sig(10), 1e-7);
  assert.equal(sigmoidClasses.length, 1, 'class b: sigmoid(0)*objectness = 0.5, not above 0.5');
});

test('yolo-grid xyActivation none uses the cell offsets as they are (newer Custom Vision ONNX exports)', () => {
  const grid = yoloGridValues({
    anchors: 5,
    classes: 1,
    gridW: 13,
    gridH: 13,
    cells: [{ anchor: 0, gx: 2, gy: 3, tx: 0.25, ty: 0.75, objectness: 10, classLogits: [1] }],
  });
  const input = {
    outputs: { g: { dims: grid.dims, data: Float32Array.from(grid.values) } },
    batchIndex: 0,
    geometry: stretch(416, 416, 416, 416),
    labels: ['a'],
  };
  const [raw] = createYoloGridDecoder({ ...yoloConfig, xyActivation: 'none' }, ['g']).decode(input);
  const [squashed] = createYoloGridDecoder(yoloConfig, ['g']).decode(input);
  const w = 0.573 / 13;
  near(raw.box.left, (2 + 0.25) / 13 - w / 2, 1e-6, 'none');
  near(squashed.box.left, (2 + sig(0.25)) / 13 - w / 2, 1e-6, 'sigmoid');
  near(raw.box.top + raw.box.height / 2, (3 + 0.75) / 13, 1e-6, 'none, centre y');
});

test('yolo-grid rejects an output that does not fit the anchors', () => {
  const decoder = createYoloGridDecoder(yoloConfig, ['g']);
  assert.throws(
    () =>
      decoder.decode({
        outputs: { g: { dims: [1, 36, 13, 13], data: new Float32Array(36 * 169) } },
        batchIndex: 0,
        geometry: stretch(1, 1, 1, 1),
        labels: [],
      }),
    /does not fit|not \[1, 5\*\(5\+classes\)/,
  );
});

test('yolo-grid through onnxruntime: a Custom Vision shaped model (data 1x3x416x416, BGR) scores a JPEG', async () => {
  const grid = yoloGridValues({
    anchors: 5,
    classes: 3,
    gridW: 13,
    gridH: 13,
    cells: [{ anchor: 4, gx: 6, gy: 6, objectness: 8, classLogits: [0, 0, 5] }],
  });
  const path = models.write(
    'cv-od.onnx',
    constantOutputsModel({
      input: { name: 'data', dims: [1, 3, 416, 416] },
      constants: { model_outputs: { dims: grid.dims, values: grid.values } },
    }),
  );
  const scorer = await createScorer(
    testConfig(path, {
      task: 'object-detection',
      input: { colorOrder: 'BGR', scale: 1 },
      decoder: { ...yoloConfig, output: undefined },
      labels: ['person', 'car', 'bike'],
    }),
  );
  try {
    assert.equal(scorer.summary.input, {
      name: 'data',
      width: 416,
      height: 416,
      layout: 'NCHW',
      elementType: 'float32',
      resize: 'stretch',
      colorOrder: 'BGR',
    });
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const result = await scorer.score(jpeg);
    assert.equal(result.predictions.length, 1);
    const [p] = result.predictions;
    assert.equal(p.label, 'bike');
    near(p.score, (Math.exp(5) / (2 + Math.exp(5))) * sig(8), 1e-6);
    const w = 9.77 / 13;
    const h = 9.17 / 13;
    near(p.box.left, 0.5 - w / 2, 1e-6);
    near(p.box.width, w, 1e-6);
    near(p.boxPixels.top, (0.5 - h / 2) * 480, 0.01);
    assert.equal(result.image, { width: 640, height: 480 });
  } finally {
    await scorer.close();
  }
});

// ---------------------------------------------------------------------------------------------------------------
// boxes / scores / labels

const boxesConfig = {
  kind: 'boxes',
  outputs: {},
  boxFormat: 'xyxy',
  normalized: false,
  labelOffset: 0,
  threshold: 0.5,
  nmsIou: 1,
  maxDetections: 100,
};

test('boxes output names are guessed from their names, then from torchvision order', () => {
  assert.equal(guessBoxesOutputs({}, ['detected_boxes', 'detected_classes', 'detected_scores']), {
    boxes: 'detected_boxes',
    scores: 'detected_scores',
    labels: 'detected_classes',
  });
  assert.equal(guessBoxesOutputs({}, ['3075', '3076', '3077']), { boxes: '3075', labels: '3076', scores: '3077' });
  assert.equal(guessBoxesOutputs({ scores: 'b' }, ['a', 'b']), undefined);
  assert.equal(guessBoxesOutputs({ boxes: 'a', scores: 'b' }, ['a', 'b']), { boxes: 'a', scores: 'b' });
});

test('boxes: formats, pixel vs normalised coordinates, label offset, threshold', () => {
  const geometry = stretch(400, 200, 200, 100); // original is twice the network size
  const decode = (config, boxes) =>
    createBoxesDecoder({ ...boxesConfig, ...config }, ['boxes', 'scores', 'labels']).decode({
      outputs: {
        boxes: { dims: [2, 4], data: Float32Array.from(boxes) },
        scores: { dims: [2], data: Float32Array.from([0.9, 0.3]) },
        labels: { dims: [2], data: BigInt64Array.from([2n, 1n]) },
      },
      batchIndex: 0,
      geometry,
      labels: ['background', 'person', 'car'],
    });
  const xyxy = decode({}, [10, 20, 60, 70, 0, 0, 5, 5]);
  assert.equal(xyxy.length, 1, 'the 0.3 box is under the threshold');
  assert.equal(xyxy[0].label, 'car');
  assert.equal(xyxy[0].boxPixels, { left: 20, top: 40, width: 100, height: 100 });
  assert.equal(xyxy[0].box, { left: 0.05, top: 0.2, width: 0.25, height: 0.5 });
  assert.equal(decode({ boxFormat: 'xywh' }, [10, 20, 50, 50, 0, 0, 5, 5])[0].boxPixels, { left: 20, top: 40, width: 100, height: 100 });
  assert.equal(decode({ boxFormat: 'cxcywh' }, [35, 45, 50, 50, 0, 0, 5, 5])[0].boxPixels, { left: 20, top: 40, width: 100, height: 100 });
  assert.equal(decode({ normalized: true }, [0.05, 0.2, 0.3, 0.7, 0, 0, 0, 0])[0].boxPixels, {
    left: 20,
    top: 40,
    width: 100,
    height: 100,
  });
  const shifted = decode({ labelOffset: -1 }, [10, 20, 60, 70, 0, 0, 5, 5]);
  assert.equal([shifted[0].label, shifted[0].labelId], ['person', 1]);
});

test('boxes: per-class score matrix without labels picks the best class; batched [1, N, 4] works', () => {
  const decoder = createBoxesDecoder({ ...boxesConfig, outputs: { boxes: 'b', scores: 's' }, threshold: 0.2 }, ['b', 's']);
  const predictions = decoder.decode({
    outputs: {
      b: { dims: [1, 2, 4], data: Float32Array.from([0, 0, 10, 10, 20, 20, 40, 40]) },
      s: { dims: [1, 2, 3], data: Float32Array.from([0.1, 0.7, 0.2, 0.05, 0.1, 0.15]) },
    },
    batchIndex: 0,
    geometry: stretch(100, 100, 100, 100),
    labels: ['x', 'y', 'z'],
  });
  assert.equal(
    predictions.map((p) => p.label),
    ['y'],
  );
  near(predictions[0].score, 0.7, 1e-7);
});

test('boxes through onnxruntime with letterbox: boxes map back to the original image', async () => {
  // Network 200x100; the original 100x100 is letterboxed to 100x100 at x offset 50.
  const path = models.write(
    'boxes.onnx',
    constantOutputsModel({
      input: { name: 'images', dims: [1, 3, 100, 200] },
      constants: {
        boxes: { dims: [3, 4], values: [50, 0, 100, 50, 100, 50, 150, 100, 0, 0, 40, 40] },
        scores: { dims: [3], values: [0.95, 0.8, 0.99] },
        labels: { type: INT64, dims: [3], values: [1, 2, 1] },
      },
    }),
  );
  const scorer = await createScorer(
    testConfig(path, {
      task: 'object-detection',
      input: { resize: 'letterbox', padValue: 114 },
      decoder: boxesConfig,
      labels: ['bg', 'dog', 'cat'],
    }),
  );
  try {
    const png = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const { predictions } = await scorer.score(png);
    // The third box lies entirely in the padding, so it maps to nothing and is dropped.
    assert.equal(
      predictions.map((p) => p.label),
      ['dog', 'cat'],
    );
    assert.equal(predictions[0].box, { left: 0, top: 0, width: 0.5, height: 0.5 });
    assert.equal(predictions[0].boxPixels, { left: 0, top: 0, width: 500, height: 500 });
    assert.equal(predictions[1].box, { left: 0.5, top: 0.5, width: 0.5, height: 0.5 });
  } finally {
    await scorer.close();
  }
});

test('a classifier pointed at a string output fails at load with a clear message; naming the scores output works', async () => {
  const path = models.write(
    'labels-first.onnx',
    constantOutputsModel({
      constants: { classLabel: { type: STRING, dims: [1], values: ['cat'] }, scores: { dims: [1, 2], values: [0.2, 0.8] } },
    }),
  );
  try {
    await createScorer(testConfig(path, { labels: ['cat', 'dog'] }));
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'ModelLoadError');
    assert.match(error.message, /'classLabel' holds string values/);
  }
  const scorer = await createScorer(
    testConfig(path, {
      labels: ['cat', 'dog'],
      decoder: { kind: 'classification', output: 'scores', activation: 'none', topK: 1, threshold: 0 },
    }),
  );
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const { predictions } = await scorer.score(png);
  await scorer.close();
  assert.equal(
    predictions.map((p) => p.label),
    ['dog'],
  );
});

test.after(() => models.cleanup());
test.run();
