// Cascade runtime: the real OCR pipeline (PaddleOCR detect → orientation → recognise) on the project's rendered
// samples (every line found, upside-down lines turned, ≥ 95% of characters read), the nested answer, the crop
// limits (max regions, min size), the pixel budget, the worker pool holding the whole cascade, config validation,
// and the crop / turn pixel operations on hand-made images.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { createWorkerScorer } from '../../dist/runtime/scoring/worker-pool.js';
import { validateScoringConfig } from '../../dist/runtime/scoring/config.js';
import { cropQuad, turn } from '../../dist/runtime/scoring/cascade-image.js';
import { ocrCascadeConfig, OCR_SAMPLES, OCR_TRUTH, gradeOcr, regionsOf } from '../helpers/ocr-cascade.mjs';

const sample = (file) => readFileSync(OCR_SAMPLES + file);
let scorer;
const answers = {};

test.before(async () => {
  scorer = await createScorer(ocrCascadeConfig());
  for (const file of Object.keys(OCR_TRUTH)) answers[file] = await scorer.score(sample(file));
});
test.after(async () => {
  await scorer?.close();
});

for (const file of Object.keys(OCR_TRUTH)) {
  test(`${file}: every line found, upside-down lines turned, ≥ 95% of characters read`, () => {
    const { predictions } = answers[file];
    assert.is(predictions.length, OCR_TRUTH[file].length, JSON.stringify(regionsOf(predictions)));
    const { pairs, accuracy } = gradeOcr(file, regionsOf(predictions));
    for (const pair of pairs) assert.is(pair.turned, pair.upsideDown ? 180 : 0, `'${pair.truth}' read as '${pair.read}'`);
    assert.ok(accuracy >= 0.95, `character accuracy ${accuracy.toFixed(3)}: ${JSON.stringify(pairs)}`);
  });
}

test('long lines keep their aspect ratio (maxWidth): the upside-down page is read exactly, spaces included', async () => {
  const read = regionsOf(answers['scanned-upside-down.png'].predictions)
    .map((r) => r.text)
    .sort();
  assert.equal(read, OCR_TRUTH['scanned-upside-down.png'].map((l) => l.text).sort());
});

test('the answer nests each stage under the region: orientation label and turn, text with character confidences', () => {
  const [region] = answers['invoice.png'].predictions;
  assert.is(region.label, 'text');
  assert.ok(region.quad.length === 4 && region.boxPixels.width > region.boxPixels.height);
  assert.equal(Object.keys(region.stages), ['orientation', 'text']);
  assert.is(region.stages.orientation.predictions[0].label, '0');
  assert.is(region.stages.orientation.rotated, 0);
  const [text] = region.stages.text.predictions;
  assert.is(text.label, text.text);
  assert.is(text.characters.map((c) => c.char).join(''), text.text);
  assert.ok(text.characters.every((c) => c.score > 0 && c.score <= 1));
  assert.is(answers['invoice.png'].image.width, 760);
  assert.ok(answers['invoice.png'].timings.inferenceMs > 0);
  assert.equal(
    scorer.summary.stages.map((s) => [s.name, s.decoder, s.input.width]),
    [
      ['orientation', 'classification', 192],
      ['text', 'text-recognition', 320],
    ],
  );
});

test('a page without text gives no regions (and no crops); a broken image is a 400 naming its index', async () => {
  const blank = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  const result = await scorer.score(blank);
  assert.equal(result.predictions, []);
  assert.equal(result.image, { width: 400, height: 200 });
  try {
    await scorer.scoreBatch([blank, Buffer.from('not an image at all')]);
    assert.unreachable();
  } catch (error) {
    assert.is(error.status, 400);
    assert.is(error.imageIndex, 1);
  }
});

test('maxRegions crops only the best regions; minSize leaves small regions uncropped; the others keep their detection', async () => {
  const limited = await createScorer(ocrCascadeConfig({ crop: { maxRegions: 1, minSize: 4 } }));
  try {
    const { predictions } = await limited.score(sample('shipping-label.png'));
    assert.is(predictions.length, 3);
    const withStages = predictions.filter((p) => p.stages);
    assert.is(withStages.length, 1);
    assert.is(withStages[0].score, Math.max(...predictions.map((p) => p.score)));
  } finally {
    await limited.close();
  }
  const tall = await createScorer(ocrCascadeConfig({ crop: { minSize: 500 } }));
  try {
    const { predictions } = await tall.score(sample('shipping-label.png'));
    assert.is(predictions.length, 3);
    assert.ok(predictions.every((p) => p.stages === undefined));
  } finally {
    await tall.close();
  }
});

test('the pixel budget: an image over it is refused (413); crops that do not fit stay uncropped', async () => {
  const small = await createScorer(ocrCascadeConfig({ maxPixels: 760 * 300 - 1 }));
  try {
    await small.score(sample('invoice.png'));
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'InputError');
    assert.is(error.status, 413);
  } finally {
    await small.close();
  }
  // Room for the image and about one line crop (the first line is about 390 x 50 pixels with padding).
  const tight = await createScorer(ocrCascadeConfig({ maxPixels: 760 * 300 + 25_000 }));
  try {
    const { predictions } = await tight.score(sample('invoice.png'));
    assert.is(predictions.length, 3);
    const cropped = predictions.filter((p) => p.stages).length;
    assert.ok(cropped >= 1 && cropped < 3, `${cropped} region(s) cropped`);
  } finally {
    await tight.close();
  }
});

test('a stage model that cannot load fails the start with its path (the models loaded before it are released)', async () => {
  const config = ocrCascadeConfig();
  config.cascade.stages[1].model.path = '/nonexistent/text.onnx';
  try {
    await createScorer(config);
    assert.unreachable();
  } catch (error) {
    assert.is(error.name, 'ModelLoadError');
    assert.match(error.message, '/nonexistent/text.onnx');
  }
});

test('the worker pool runs the whole cascade in its worker threads', async () => {
  const pooled = await createWorkerScorer(ocrCascadeConfig());
  try {
    const [result] = await pooled.scoreBatch([sample('scanned-upside-down.png')]);
    assert.equal(regionsOf(result.predictions), regionsOf(answers['scanned-upside-down.png'].predictions));
    assert.is(pooled.summary.stages.length, 2);
  } finally {
    await pooled.close();
  }
});

test('config validation: crops after a region stage, unique names, rotate on classifiers, no region stage last', () => {
  const problems = (mutate) => {
    const config = ocrCascadeConfig();
    mutate(config);
    try {
      validateScoringConfig(config);
      return [];
    } catch (error) {
      return error.problems;
    }
  };
  assert.equal(
    problems(() => {}),
    [],
  );
  assert.match(problems((c) => delete c.cascade.stages[0].crop).join(' '), /stages\[0\]\.crop is required/);
  assert.match(
    problems((c) => (c.cascade.stages[1].crop = { padding: 0, maxRegions: 1, minSize: 0 })).join(' '),
    /stages\[1\]\.crop is only for the stage right after a region stage/,
  );
  assert.match(problems((c) => (c.cascade.stages[1].name = 'orientation')).join(' '), /'orientation' is used twice/);
  assert.match(
    problems((c) => (c.cascade.stages[1].rotate = { label: 'x', degrees: 180, minScore: 0.5 })).join(' '),
    /stages\[1\]\.rotate needs a classification decoder/,
  );
  assert.match(problems((c) => (c.cascade.stages[1].decoder.blank = 99999)).join(' '), /blank is outside the alphabet/);
  assert.match(
    problems(
      (c) =>
        (c.cascade.stages[1].decoder = {
          kind: 'boxes',
          outputs: {},
          boxFormat: 'xyxy',
          normalized: false,
          labelOffset: 0,
          threshold: 0.5,
          nmsIou: 0.5,
          maxDetections: 5,
        }),
    ).join(' '),
    /ends with a region stage/,
  );
  assert.match(
    problems((c) => (c.decoder = { kind: 'classification', activation: 'none', topK: 1, threshold: 0 })).join(' '),
    /does not fit task|finds no regions/,
  );
  assert.match(problems((c) => (c.cascade.stages[0].rotate.degrees = 45)).join(' '), /degrees must be one of/);
  assert.match(
    problems((c) => (c.cascade.stages[1].input.resize = 'stretch')).join(' '),
    /stages\[1\]\.maxWidth needs input.resize 'pad-right'/,
  );
  assert.match(problems((c) => (c.cascade.stages[1].maxWidth = 100)).join(' '), /maxWidth must be at least input.width/);
});

// ---------------------------------------------------------------------------------------------------------------
// Pixel operations

/** A W x H image whose pixel (x, y) is [x, y, 7]. */
const gradient = (width, height) => {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { data, width, height };
};
const pixel = (image, x, y) => [...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3)];

test('cropQuad: an axis-aligned quad gives exactly those pixels; padding grows it by a fraction of the shorter side', () => {
  const image = gradient(40, 30);
  const crop = cropQuad(
    image,
    [
      [10, 5],
      [30, 5],
      [30, 15],
      [10, 15],
    ],
    0,
  );
  assert.is(crop.width, 20);
  assert.is(crop.height, 10);
  assert.equal(pixel(crop, 0, 0), [10, 5, 7]);
  assert.equal(pixel(crop, 19, 9), [29, 14, 7]);
  const padded = cropQuad(
    image,
    [
      [10, 5],
      [30, 5],
      [30, 15],
      [10, 15],
    ],
    0.2,
  );
  assert.is(padded.width, 24);
  assert.is(padded.height, 14);
  assert.equal(pixel(padded, 0, 0), [8, 3, 7]);
});

test('cropQuad: a tilted quad comes out upright; a tall crop is turned to lie flat; edges repeat outside the image', () => {
  const image = gradient(60, 60);
  // A square turned 45 degrees: its top edge runs from (30, 10) to (50, 30).
  const crop = cropQuad(
    image,
    [
      [30, 10],
      [50, 30],
      [30, 50],
      [10, 30],
    ],
    0,
  );
  assert.is(crop.width, crop.height);
  const [x, y] = pixel(crop, 0, 0);
  assert.ok(Math.abs(x - 30) <= 1 && Math.abs(y - 10) <= 2, `top-left sample ${x}, ${y}`);
  const tall = cropQuad(
    image,
    [
      [5, 5],
      [15, 5],
      [15, 45],
      [5, 45],
    ],
    0,
  );
  assert.equal([tall.width, tall.height], [40, 10]);
  const outside = cropQuad(
    image,
    [
      [-10, -10],
      [10, -10],
      [10, 10],
      [-10, 10],
    ],
    0,
  );
  assert.equal(pixel(outside, 0, 0), [0, 0, 7]);
});

test('turn: 90, 180 and 270 degrees clockwise', () => {
  const image = gradient(3, 2);
  const half = turn(image, 180);
  assert.equal(pixel(half, 0, 0), [2, 1, 7]);
  const quarter = turn(image, 90);
  assert.equal([quarter.width, quarter.height], [2, 3]);
  assert.equal(pixel(quarter, 1, 0), [0, 0, 7], 'the top-left corner goes to the top-right');
  const threeQuarters = turn(image, 270);
  assert.equal(pixel(threeQuarters, 0, 2), [0, 0, 7], 'the top-left corner goes to the bottom-left');
  assert.equal(turn(turn(image, 90), 270).data, image.data);
});

test.run();
