// Preprocessing tests: resize geometry per mode, exact tensor values (scale/mean/std, RGB/BGR, NCHW/NHWC, uint8,
// padding), image formats (JPEG, PNG, WebP, BMP), bad images, and batching, partly through a ReduceMean ONNX model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { planResize, networkBoxToImage } from '../../dist/runtime/scoring/geometry.js';
import { prepareImage, createInputData } from '../../dist/runtime/scoring/preprocess.js';
import { decodeBmp } from '../../dist/runtime/scoring/bmp.js';
import { createScorer } from '../../dist/runtime/scoring/scorer.js';
import { channelMeanModel, createModelDir, UINT8 } from '../helpers/onnx-builder.mjs';
import { encodeBmp24 } from '../helpers/images-bmp.mjs';
import { testConfig, FIXTURE_IMAGES } from '../helpers/onnx-configs.mjs';

const near = (actual, expected, eps, what = '') =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what} expected ${expected}, got ${actual}`);
const solid = (width, height, rgb, format = 'png') =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    [format]()
    .toBuffer();
const models = createModelDir();

const input = (overrides = {}) => ({
  name: 'x',
  width: 4,
  height: 2,
  layout: 'NCHW',
  elementType: 'float32',
  dynamicBatch: false,
  colorOrder: 'RGB',
  resize: 'stretch',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  padValue: 0,
  ...overrides,
});

test('resize plans: stretch, letterbox, crop, pad-right', () => {
  assert.equal(planResize('stretch', 640, 480, 416, 416), {
    originalWidth: 640,
    originalHeight: 480,
    networkWidth: 416,
    networkHeight: 416,
    contentWidth: 416,
    contentHeight: 416,
    offsetX: 0,
    offsetY: 0,
  });
  const lb = planResize('letterbox', 640, 480, 416, 416);
  assert.equal([lb.contentWidth, lb.contentHeight, lb.offsetX, lb.offsetY], [416, 312, 0, 52]);
  const crop = planResize('crop', 640, 480, 416, 416);
  assert.equal([crop.contentWidth, crop.contentHeight, crop.offsetX, crop.offsetY], [555, 416, -69, 0]);
  const narrow = planResize('pad-right', 100, 50, 192, 48);
  assert.equal([narrow.contentWidth, narrow.contentHeight, narrow.offsetX], [96, 48, 0]);
  const wide = planResize('pad-right', 1000, 50, 192, 48);
  assert.equal([wide.contentWidth, wide.contentHeight], [192, 48], 'too wide: squashed to the input width');
});

test('network boxes map back through letterbox and crop offsets', () => {
  const lb = planResize('letterbox', 640, 480, 416, 416); // scale 0.65, y offset 52
  const m = networkBoxToImage(lb, 0, 52, 416, 364);
  assert.equal(m.pixels, { left: 0, top: 0, width: 640, height: 480 });
  assert.equal(m.normalized, { left: 0, top: 0, width: 1, height: 1 });
  assert.is(networkBoxToImage(lb, 0, 0, 100, 50), null, 'a box inside the padding maps to nothing');
  const crop = planResize('crop', 800, 400, 400, 400); // content 800x400, x offset -200
  assert.equal(networkBoxToImage(crop, 0, 0, 200, 400).pixels, { left: 200, top: 0, width: 200, height: 400 });
});

test('tensor values: scale/mean/std per channel, BGR swap, NCHW vs NHWC, padding', () => {
  const prepared = {
    rgb: Buffer.from([10, 20, 30, 40, 50, 60]),
    rgbWidth: 2,
    rgbHeight: 1,
    placeX: 1,
    placeY: 1,
    geometry: planResize('stretch', 2, 1, 2, 1),
  };
  const nchw = createInputData([prepared], input({ scale: 2, mean: [1, 2, 3], std: [1, 2, 4], padValue: 5 }));
  // Channel 0 (R): pad = 5*2-1 = 9; pixels at (1,1) and (2,1): 10*2-1 = 19, 40*2-1 = 79.
  assert.equal(Array.from(nchw.slice(0, 8)), [9, 9, 9, 9, 9, 19, 79, 9]);
  // Channel 2 (B): (5*2-3)/4 = 1.75 pad; (30*2-3)/4 = 14.25, (60*2-3)/4 = 29.25.
  assert.equal(Array.from(nchw.slice(16, 24)), [1.75, 1.75, 1.75, 1.75, 1.75, 14.25, 29.25, 1.75]);
  const bgr = createInputData([prepared], input({ colorOrder: 'BGR' }));
  assert.equal(Array.from(bgr.slice(4, 8)), [0, 30, 60, 0], 'model channel 0 gets blue');
  const nhwc = createInputData([prepared], input({ layout: 'NHWC' }));
  assert.equal(Array.from(nhwc.slice(15, 21)), [10, 20, 30, 40, 50, 60], 'pixel (1,1) then (2,1), channels interleaved');
  const u8 = createInputData(
    [prepared],
    input({ elementType: 'uint8', padValue: 114, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] }),
  );
  assert.ok(u8 instanceof Uint8Array);
  assert.equal(Array.from(u8.slice(0, 8)), [114, 114, 114, 114, 114, 10, 40, 114], 'uint8 inputs get raw pixels');
});

/** The tensor writer's contract, pixel by pixel: model channel c of pixel (x, y) is a*pixel+b, stored as the element type. */
function referenceInput(img, cfg) {
  const { width: W, height: H } = cfg;
  const isFloat = cfg.elementType === 'float32';
  const out = isFloat ? new Float32Array(3 * W * H) : new Uint8Array(3 * W * H);
  const at = (c, x, y) => (cfg.layout === 'NCHW' ? c * W * H + y * W + x : (y * W + x) * 3 + c);
  const source = cfg.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const a = isFloat ? cfg.scale / cfg.std[c] : 1;
    const b = isFloat ? -cfg.mean[c] / cfg.std[c] : 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const ix = x - img.placeX;
        const iy = y - img.placeY;
        const inside = ix >= 0 && iy >= 0 && ix < img.rgbWidth && iy < img.rgbHeight;
        out[at(c, x, y)] = inside
          ? a * img.rgb[(iy * img.rgbWidth + ix) * 3 + source[c]] + b
          : isFloat
            ? a * cfg.padValue + b
            : Math.round(cfg.padValue);
      }
    }
  }
  return out;
}

test('tensor values match the per-pixel formula exactly for all 256 levels, every layout, order and type; a reused buffer is overwritten', () => {
  // 16x16 pixels whose channels run through every level, placed with padding around them.
  const rgb = Buffer.alloc(16 * 16 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + (i % 3) * 85) % 256;
  const img = { rgb, rgbWidth: 16, rgbHeight: 16, placeX: 2, placeY: 1, geometry: planResize('stretch', 16, 16, 16, 16) };
  const cover = { ...img, placeX: 0, placeY: 0 };
  for (const layout of ['NCHW', 'NHWC']) {
    for (const colorOrder of ['RGB', 'BGR']) {
      for (const elementType of ['float32', 'uint8']) {
        const cfg = input({
          width: 19,
          height: 18,
          layout,
          colorOrder,
          elementType,
          scale: 1 / 255,
          mean: [0.485, 0.456, 0.406],
          std: [0.229, 0.224, 0.225],
          padValue: 114,
        });
        const what = `${layout} ${colorOrder} ${elementType}`;
        const fresh = createInputData([img], cfg);
        assert.equal(Array.from(fresh), Array.from(referenceInput(img, cfg)), what);
        // A reused buffer full of other values comes back overwritten with the same tensor, padding included.
        const other = createInputData([cover], cfg);
        const again = createInputData([img], cfg, other);
        assert.is(again, other, `${what}: a buffer of the right type and size is reused`);
        assert.equal(Array.from(again), Array.from(fresh), `${what}, reused`);
        const wrongSize = elementType === 'float32' ? new Float32Array(5) : new Uint8Array(5);
        const wrongType = elementType === 'float32' ? new Uint8Array(fresh.length) : new Float32Array(fresh.length);
        for (const unfit of [wrongSize, wrongType]) {
          const made = createInputData([img], cfg, unfit);
          assert.is.not(made, unfit, `${what}: a buffer of another size or type is not reused`);
          assert.equal(Array.from(made), Array.from(fresh));
        }
      }
    }
  }
});

test('a pure red PNG reaches the model as (1, 0, 0) in RGB and (0, 0, 1) in BGR, NCHW and NHWC', async () => {
  const png = await solid(20, 10, [255, 0, 0]);
  for (const [layout, colorOrder, expected] of [
    ['NCHW', 'RGB', [1, 0, 0]],
    ['NCHW', 'BGR', [0, 0, 1]],
    ['NHWC', 'RGB', [1, 0, 0]],
  ]) {
    const path = models.write(`mean-${layout}.onnx`, channelMeanModel({ layout }));
    const scorer = await createScorer(testConfig(path, { input: { colorOrder }, labels: ['c0', 'c1', 'c2'] }));
    const { predictions } = await scorer.score(png);
    await scorer.close();
    const byLabel = Object.fromEntries(predictions.map((p) => [p.label, p.score]));
    expected.forEach((v, c) => near(byLabel[`c${c}`], v, 1e-6, `${layout} ${colorOrder} channel ${c}`));
  }
});

test('mean/std normalisation and letterbox padding show in the model input', async () => {
  const path = models.write('mean-8.onnx', channelMeanModel({ width: 8, height: 8 }));
  // A 8x4 white image letterboxed into 8x8: half the rows are image (255), half padding (0).
  const scorer = await createScorer(
    testConfig(path, {
      input: { resize: 'letterbox', padValue: 0, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
      labels: ['r', 'g', 'b'],
    }),
  );
  const { predictions } = await scorer.score(await solid(8, 4, [255, 255, 255]));
  await scorer.close();
  // white → (1 - 0.5)/0.5 = 1; padding 0 → (0 - 0.5)/0.5 = -1; mean over the 8x8 input = 0.
  for (const p of predictions) near(p.score, 0, 1e-6, p.label);
  assert.equal(predictions.length, 3);
});

test('uint8 NHWC models get raw pixels', async () => {
  const path = models.write('mean-u8.onnx', channelMeanModel({ layout: 'NHWC', elemType: UINT8 }));
  const scorer = await createScorer(testConfig(path, { labels: ['r', 'g', 'b'] }));
  assert.equal(scorer.summary.input.elementType, 'uint8');
  const { predictions } = await scorer.score(await solid(16, 16, [10, 100, 200]));
  await scorer.close();
  const byLabel = Object.fromEntries(predictions.map((p) => [p.label, p.score]));
  assert.equal([byLabel.r, byLabel.g, byLabel.b], [10, 100, 200]);
});

test('JPEG, PNG, WebP and BMP decode to the same pixels; greyscale and alpha become RGB', async () => {
  const geometryInput = input({ width: 8, height: 8 });
  const colours = [];
  for (const format of ['png', 'jpeg', 'webp']) {
    const p = await prepareImage(await solid(8, 8, [200, 100, 50], format), geometryInput);
    colours.push(Array.from(p.rgb.subarray(0, 3)));
  }
  const raw = Buffer.alloc(8 * 8 * 3);
  for (let i = 0; i < 64; i++) raw.set([200, 100, 50], i * 3);
  const bmp = await prepareImage(encodeBmp24(raw, 8, 8), geometryInput);
  colours.push(Array.from(bmp.rgb.subarray(0, 3)));
  for (const c of colours) c.forEach((v, i) => near(v, [200, 100, 50][i], 3, 'channel'));
  const grey = await prepareImage(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#404040' } })
      .greyscale()
      .png()
      .toBuffer(),
    geometryInput,
  );
  assert.equal(grey.rgb.length, 8 * 8 * 3);
  const alpha = await prepareImage(
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 9, g: 8, b: 7, alpha: 0.5 } } })
      .png()
      .toBuffer(),
    geometryInput,
  );
  assert.equal(Array.from(alpha.rgb.subarray(0, 3)), [9, 8, 7]);
});

test('BMP reader: bottom-up rows, 24-bit and palette files; rejects compressed and truncated ones', () => {
  const rgb = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]); // 2x2: red, green / blue, white
  const decoded = decodeBmp(encodeBmp24(rgb, 2, 2));
  assert.equal([decoded.width, decoded.height], [2, 2]);
  assert.equal(Array.from(decoded.data), Array.from(rgb));
  const committed = decodeBmp(readFileSync(FIXTURE_IMAGES + 'text-rotated.bmp'));
  assert.equal([committed.width, committed.height], [320, 64]);
  // 8-bit palette, 1x1, index 1 = (r 1, g 2, b 3)
  const pal = Buffer.alloc(54 + 8 + 4);
  pal.write('BM');
  pal.writeUInt32LE(54 + 8, 10);
  pal.writeUInt32LE(40, 14);
  pal.writeInt32LE(1, 18);
  pal.writeInt32LE(1, 22);
  pal.writeUInt16LE(1, 26);
  pal.writeUInt16LE(8, 28);
  pal.writeUInt32LE(2, 46);
  pal.set([0, 0, 0, 0, 3, 2, 1, 0], 54);
  pal[62] = 1;
  assert.equal(Array.from(decodeBmp(pal).data), [1, 2, 3]);
  const compressed = encodeBmp24(rgb, 2, 2);
  compressed.writeUInt32LE(1, 30);
  assert.throws(() => decodeBmp(compressed), /Compressed/);
  assert.throws(() => decodeBmp(encodeBmp24(rgb, 2, 2).subarray(0, 60)), /truncated/);
});

test('bad images: empty, not an image, unsupported format, truncated BMP → InputError with status', async () => {
  const cases = [
    [Buffer.alloc(0), 400],
    [Buffer.from('definitely not an image'), 400],
    [
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
        .gif()
        .toBuffer(),
      415,
    ],
    [
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
        .tiff()
        .toBuffer(),
      415,
    ],
    [encodeBmp24(Buffer.alloc(12), 2, 2).subarray(0, 58), 400],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'), 415],
  ];
  for (const [bytes, status] of cases) {
    try {
      await prepareImage(bytes, input());
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.is(error.name, 'InputError', String(error));
      assert.is(error.status, status, error.message);
    }
  }
  // A JPEG cut in half fails when decoded, not earlier.
  const jpeg = await solid(64, 64, [1, 2, 3], 'jpeg');
  try {
    await prepareImage(jpeg.subarray(0, jpeg.length >> 1), input());
    assert.unreachable('truncated JPEG should fail');
  } catch (error) {
    assert.is(error.status, 400);
  }
});

test('EXIF orientation is applied: a portrait-tagged landscape JPEG is scored as portrait', async () => {
  const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#fff' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const p = await prepareImage(jpeg, input({ width: 8, height: 8 }));
  assert.equal([p.geometry.originalWidth, p.geometry.originalHeight], [20, 40]);
});

test('batching: a dynamic-batch model scores several images in one run, each decoded from its own row', async () => {
  const path = models.write('mean-batch.onnx', channelMeanModel({ batch: 'N' }));
  const scorer = await createScorer(
    testConfig(path, { labels: ['r', 'g', 'b'], decoder: { kind: 'classification', activation: 'none', topK: 1, threshold: 0 } }),
  );
  const results = await scorer.scoreBatch([await solid(8, 8, [255, 0, 0]), await solid(8, 8, [0, 0, 255]), await solid(8, 8, [0, 255, 0])]);
  await scorer.close();
  assert.equal(
    results.map((r) => r.predictions[0].label),
    ['r', 'b', 'g'],
  );
  assert.equal(
    results.map((r) => r.timings.batchSize),
    [3, 3, 3],
  );
});

test('concurrent score() calls on one scorer each get their own answer, equal to scoring one at a time', async () => {
  const path = models.write('mean-concurrent.onnx', channelMeanModel());
  const scorer = await createScorer(
    testConfig(path, { labels: ['r', 'g', 'b'], decoder: { kind: 'classification', activation: 'none', topK: 3, threshold: 0 } }),
  );
  const images = [
    await solid(8, 8, [255, 0, 0]),
    await solid(8, 8, [0, 0, 255]),
    await solid(8, 8, [0, 255, 0]),
    await solid(8, 8, [200, 100, 50]),
  ];
  const oneByOne = [];
  for (const image of images) oneByOne.push((await scorer.score(image)).predictions);
  const together = await Promise.all(Array.from({ length: 12 }, (_, i) => scorer.score(images[i % 4])));
  await scorer.close();
  assert.equal(
    together.map((r) => r.predictions),
    Array.from({ length: 12 }, (_, i) => oneByOne[i % 4]),
  );
});

test.after(() => models.cleanup());
test.run();
