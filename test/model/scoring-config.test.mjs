// createScoringConfig tests: IR + module settings + introspection → a ScoringConfig that validates, fills what the spec
// left open from the model, and runs; plus validateScoringConfig's path-naming errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createScoringConfig, CONTAINER_MODEL_PATH, DEFAULT_SCORING_SETTINGS } from '../../dist/model/scoring-config.js';
import { introspectModel } from '../../dist/model/introspect.js';
import { validateScoringConfig } from '../../dist/runtime/scoring/config.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import {
  constantOutputsModel,
  createModelDir,
  channelMeanModel,
  yoloGridValues,
  CUSTOM_VISION_ANCHORS,
  INT64,
  UINT8,
} from '../helpers/onnx-builder.mjs';
import { ORIENTATION_MODEL, FIXTURE_IMAGES } from '../helpers/onnx-configs.mjs';
import { workflowIR, scoringModule } from '../helpers/onnx-ir.mjs';
import { editSpec, loadText } from '../helpers/spec-fixtures.mjs';

const dir = createModelDir();
const settings = {
  port: 80,
  apis: ['customvision'],
  maxBodyBytes: 4 * 1024 * 1024,
  concurrency: 2,
  queueLimit: 8,
  executionProviders: ['cuda', 'cpu'],
};

test('orientation spec → config: model path in the container, labels, module settings, model input filled in', async () => {
  const info = await introspectModel(ORIENTATION_MODEL);
  const ir = workflowIR({
    labels: ['0', '180'],
    preprocess: { width: 192, height: 48, resize: 'pad-right', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], padValue: 127 },
    decoder: { kind: 'classification', activation: 'none', topK: 2, threshold: 0 },
  });
  const config = createScoringConfig(ir, scoringModule(settings), info);
  assert.is(config.model.path, CONTAINER_MODEL_PATH);
  assert.equal(config.labels, ['0', '180']);
  const { limits, ...server } = config.server;
  assert.equal(server, { port: 80, apis: ['customvision'], maxBodyBytes: 4 * 1024 * 1024, concurrency: 2, queueLimit: 8 });
  // Every limit is written out; the upload budget holds at least four of the largest bodies.
  assert.equal(limits, {
    bytesInFlight: 64 * 1024 * 1024,
    decodeBytes: 256 * 1024 * 1024,
    imagesPerRequest: 32,
    processingTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
    bodyIdleTimeoutMs: 30_000,
  });
  assert.equal(config.executionProviders, ['cuda', 'cpu']);
  assert.equal(
    [config.input.name, config.input.width, config.input.height, config.input.layout, config.input.elementType, config.input.resize],
    ['x', 192, 48, 'NCHW', 'float32', 'pad-right'],
  );
  assert.equal(config.decoder, { kind: 'classification', output: 'softmax_0.tmp_0', activation: 'none', topK: 2, threshold: 0 });
  const roundTripped = JSON.parse(JSON.stringify(config));
  assert.equal(validateScoringConfig(roundTripped), config, 'the JSON the compiler writes validates unchanged');
  // The generated config really scores: point it at the local model file.
  const scorer = await createScorer(config, { modelPath: ORIENTATION_MODEL });
  const { predictions } = await scorer.score(readFileSync(FIXTURE_IMAGES + 'text-rotated.png'));
  await scorer.close();
  assert.is(predictions[0].label, '180');
});

test('without introspection, open fields stay out of the config (the server reads them at load)', () => {
  const config = createScoringConfig(workflowIR(), scoringModule(settings));
  assert.equal(Object.keys(config.input).sort(), ['colorOrder', 'mean', 'padValue', 'resize', 'scale', 'std']);
  assert.equal(config.decoder, { kind: 'classification', activation: 'softmax', topK: 3, threshold: 0 });
  assert.equal(config.labels, []);
  validateScoringConfig(JSON.parse(JSON.stringify(config)));
});

test('defaults when the module carries no scoring settings; spec values beat the model', async () => {
  const info = await introspectModel(dir.write('u8.onnx', channelMeanModel({ layout: 'NHWC', elemType: UINT8, width: 10, height: 12 })));
  const config = createScoringConfig(
    workflowIR({ preprocess: { width: 10, height: 12, inputName: 'image' } }),
    scoringModule(undefined),
    info,
  );
  const { limits, ...server } = config.server;
  assert.equal(server, {
    port: DEFAULT_SCORING_SETTINGS.port,
    apis: DEFAULT_SCORING_SETTINGS.apis,
    maxBodyBytes: DEFAULT_SCORING_SETTINGS.maxBodyBytes,
    concurrency: 1,
    queueLimit: 16,
  });
  assert.is(limits.bytesInFlight, 64 * 1024 * 1024);
  assert.is(validateScoringConfig(config), config, 'the compiled limits pass the runtime validator');
  assert.equal([config.input.layout, config.input.elementType, config.input.width, config.input.height], ['NHWC', 'uint8', 10, 12]);
});

test('boxes decoder outputs are filled from the model output names', async () => {
  const path = dir.write(
    'det.onnx',
    constantOutputsModel({
      constants: {
        detected_boxes: { dims: [1, 4], values: [0, 0, 1, 1] },
        detected_scores: { dims: [1], values: [0.9] },
        detected_classes: { type: INT64, dims: [1], values: [0] },
      },
    }),
  );
  const decoder = {
    kind: 'boxes',
    outputs: {},
    boxFormat: 'xyxy',
    normalized: true,
    labelOffset: 0,
    threshold: 0.5,
    nmsIou: 0.45,
    maxDetections: 10,
  };
  const config = createScoringConfig(
    workflowIR({ task: 'object-detection', decoder }),
    scoringModule(settings),
    await introspectModel(path),
  );
  assert.equal(config.decoder.outputs, { boxes: 'detected_boxes', scores: 'detected_scores', labels: 'detected_classes' });
  assert.is(config.task, 'object-detection');
  validateScoringConfig(JSON.parse(JSON.stringify(config)));
});

test('yolo-grid: newer Custom Vision exports (input described in metadata) decode x/y without a sigmoid', async () => {
  const grid = yoloGridValues({ anchors: 5, classes: 1, gridW: 13, gridH: 13, cells: [] });
  const decoder = {
    kind: 'yolo-grid',
    anchors: CUSTOM_VISION_ANCHORS,
    classActivation: 'softmax',
    threshold: 0.1,
    nmsIou: 0.45,
    maxDetections: 20,
  };
  const ir = workflowIR({ task: 'object-detection', labels: ['x'], preprocess: { colorOrder: 'BGR', scale: 1 }, decoder });
  const model = (metadata) =>
    dir.write(
      `grid-${Object.keys(metadata).length}.onnx`,
      constantOutputsModel({ input: { name: 'data', dims: [1, 3, 416, 416] }, constants: { model_outputs: grid }, metadata }),
    );
  const newer = createScoringConfig(ir, scoringModule(settings), await introspectModel(model({ 'Image.BitmapPixelFormat': 'Bgr8' })));
  assert.is(newer.decoder.xyActivation, 'none');
  const older = createScoringConfig(ir, scoringModule(settings), await introspectModel(model({})));
  assert.is(older.decoder.xyActivation, undefined, 'the runtime default (sigmoid) applies');
  validateScoringConfig(JSON.parse(JSON.stringify(newer)));
});

test('validateScoringConfig names every problem by path', () => {
  const good = createScoringConfig(workflowIR(), scoringModule(settings));
  const bad = JSON.parse(JSON.stringify(good));
  bad.input.resize = 'squash';
  bad.input.std = [1, 0, 1];
  bad.server.port = 70000;
  bad.decoder.topK = 0;
  bad.extra = true;
  delete bad.labels;
  try {
    validateScoringConfig(bad);
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'ScoringConfigError');
    const joined = error.problems.join('\n');
    for (const path of [
      'config.input.resize',
      'config.input.std',
      'config.server.port',
      'config.decoder.topK',
      'config.extra',
      'config.labels',
    ]) {
      assert.ok(joined.includes(path), `${path} in:\n${joined}`);
    }
    assert.is(error.problems.length, 6);
  }
  assert.throws(() => validateScoringConfig({ ...good, task: 'object-detection' }), /does not fit task/);
  assert.throws(() => validateScoringConfig({ ...good, input: { ...good.input, width: 10 } }), /height is required when width/);
  assert.throws(() => validateScoringConfig({ ...good, decoder: { kind: 'magic' } }), /decoder\.kind must be one of/);
  assert.throws(() => validateScoringConfig(null), /config must be an object/);
});

test.after(() => dir.cleanup());
test('limits set in the spec reach the compiled config; the others keep their defaults', async () => {
  const { ir } = await loadText(
    editSpec([
      '    port: 8080\n',
      '    port: 8080\n    limits: { uploadsInFlight: 32MB, imagesPerRequest: 4, processingTimeout: 2.5, uploadIdleTimeout: 10 }\n',
    ]),
  );
  const config = createScoringConfig(
    ir,
    ir.modules.find((m) => m.name === 'scorer'),
  );
  assert.equal(config.server.limits, {
    bytesInFlight: 32 * 1024 * 1024,
    decodeBytes: 256 * 1024 * 1024,
    imagesPerRequest: 4,
    processingTimeoutMs: 2500,
    requestTimeoutMs: 120_000,
    bodyIdleTimeoutMs: 10_000,
  });
  assert.is(validateScoringConfig(config), config);
});

test.run();
