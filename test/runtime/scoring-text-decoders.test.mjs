// Text decoders on hand-built output tensors: DBNet probability maps (empty map, one-pixel regions, touching and
// separate regions, a tilted line, unclip growth, score threshold, mapping back through the resize) and CTC greedy
// decoding (repeats merged, repeats across a blank kept, blanks dropped, per-character confidences, shape checks).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createTextDetectionDecoder,
  findTextRegions,
  unclip,
  sortReadingOrder,
} from '../../dist/runtime/scoring/decoders/text-detection.js';
import { createTextRecognitionDecoder, readCtc } from '../../dist/runtime/scoring/decoders/text-recognition.js';
import { minAreaRect, orderQuad } from '../../dist/runtime/scoring/decoders/min-area-rect.js';
import { planResize } from '../../dist/runtime/scoring/geometry.js';

const near = (actual, expected, eps = 1e-6, what = '') =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what} expected ${expected}, got ${actual}`);

const DETECTION = {
  kind: 'text-detection',
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
  maxDetections: 100,
  shape: 'quad',
};

/** A W x H map with the given rectangles [x0, y0, x1, y1] (inclusive) filled with `value`. */
function mapWith(width, height, rects, value = 0.9) {
  const data = new Float32Array(width * height);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data[y * width + x] = value;
  return data;
}

const detect = (data, width, height, config = {}, geometry = planResize('stretch', width, height, width, height)) =>
  createTextDetectionDecoder({ ...DETECTION, ...config }, ['maps']).decode({
    outputs: { maps: { dims: [1, 1, height, width], data } },
    batchIndex: 0,
    geometry,
    labels: [],
  });

test('an empty map finds nothing', () => {
  assert.equal(detect(new Float32Array(40 * 30), 40, 30), []);
  assert.equal(findTextRegions(new Float32Array(0), 0, 0, DETECTION), []);
});

test('one-pixel regions are dropped by minSize, and kept (grown to a square) when minSize is 0', () => {
  const data = mapWith(20, 20, [
    [5, 5, 5, 5],
    [12, 14, 12, 14],
  ]);
  assert.equal(detect(data, 20, 20), []);
  const kept = findTextRegions(data, 20, 20, { ...DETECTION, minSize: 0, unclipRatio: 0 });
  // minSize 0 still needs a grown side of 2: a single pixel has zero width, so even then nothing is kept.
  assert.equal(kept, []);
});

test('a filled rectangle becomes one region: its rectangle, mean score and unclip offset', () => {
  // 21 x 6 pixels (x 10..30, y 20..25): pixel centres span 20 x 5.
  const regions = findTextRegions(mapWith(64, 48, [[10, 20, 30, 25]]), 64, 48, DETECTION);
  assert.is(regions.length, 1);
  const { rect, score } = regions[0];
  near(score, 0.9, 1e-6, 'score is the mean probability inside');
  const d = (20 * 5 * 1.5) / (2 * (20 + 5));
  near(Math.max(rect.width, rect.height), 20 + 2 * d, 1e-9, 'long side grown');
  near(Math.min(rect.width, rect.height), 5 + 2 * d, 1e-9, 'short side grown');
  near(rect.cx, 20, 1e-9);
  near(rect.cy, 22.5, 1e-9);
});

test('touching regions (sharing an edge or only a corner) are one region; a one-pixel gap makes two', () => {
  const edge = findTextRegions(
    mapWith(60, 30, [
      [5, 5, 20, 10],
      [21, 5, 40, 10],
    ]),
    60,
    30,
    DETECTION,
  );
  assert.is(edge.length, 1);
  // Corner to corner: one region (8-connected, as OpenCV contours are) whose rectangle is half empty.
  const loose = { ...DETECTION, boxThreshold: 0.3 };
  assert.is(
    findTextRegions(
      mapWith(60, 30, [
        [5, 5, 20, 10],
        [21, 11, 40, 16],
      ]),
      60,
      30,
      loose,
    ).length,
    1,
  );
  assert.is(
    findTextRegions(
      mapWith(60, 30, [
        [5, 5, 20, 10],
        [22, 12, 40, 17],
      ]),
      60,
      30,
      loose,
    ).length,
    2,
  );
  const gap = findTextRegions(
    mapWith(60, 30, [
      [5, 5, 20, 10],
      [22, 5, 40, 10],
    ]),
    60,
    30,
    DETECTION,
  );
  assert.is(gap.length, 2);
});

test('a region whose mean probability is below boxThreshold is dropped; pixels at the threshold are not text', () => {
  assert.equal(findTextRegions(mapWith(40, 20, [[5, 5, 30, 12]], 0.5), 40, 20, DETECTION), []);
  assert.is(findTextRegions(mapWith(40, 20, [[5, 5, 30, 12]], 0.5), 40, 20, { ...DETECTION, boxThreshold: 0.4 }).length, 1);
  const atThreshold = Array.from(mapWith(40, 20, [[5, 5, 30, 12]]), (v) => (v ? 0.3 : 0));
  assert.equal(findTextRegions(atThreshold, 40, 20, { ...DETECTION, boxThreshold: 0 }), []);
});

test('maxCandidates bounds the regions examined; maxDetections keeps the best scores, then reading order', () => {
  const data = mapWith(80, 40, [
    [2, 2, 20, 8],
    [30, 2, 50, 8],
    [2, 20, 20, 26],
  ]);
  data.fill(0.7, 20 * 80 + 2, 20 * 80 + 21); // lower the third region's first row: its score drops
  assert.is(findTextRegions(data, 80, 40, { ...DETECTION, maxCandidates: 2 }).length, 2);
  const two = detect(data, 80, 40, { maxDetections: 2 });
  assert.is(two.length, 2);
  assert.ok(
    two.every((p) => p.boxPixels.top < 10),
    'the two full-score regions on the first line',
  );
  assert.ok(two[0].boxPixels.left < two[1].boxPixels.left, 'left to right on one line');
});

test('a tilted line gives a rotated quadrilateral in PaddleOCR corner order', () => {
  const width = 100;
  const height = 60;
  const data = new Float32Array(width * height);
  // A 4-pixel thick band along y = 10 + 0.4 x, for x in 10..80.
  for (let x = 10; x <= 80; x++) for (let t = 0; t < 4; t++) data[Math.round(10 + 0.4 * x + t) * width + x] = 0.95;
  const [p] = detect(data, width, height);
  assert.ok(p, 'found');
  const [tl, tr, br, bl] = p.quad;
  near((tr[1] - tl[1]) / (tr[0] - tl[0]), 0.4, 0.05, 'top edge slope');
  assert.ok(tl[0] < tr[0] && bl[0] < br[0] && tl[1] < bl[1] && tr[1] < br[1], JSON.stringify(p.quad));
  assert.is(p.label, 'text');
  assert.ok(p.score > 0.6);
});

test('regions map back through the resize (letterbox) onto the original image, clipped to it', () => {
  // A 200 x 100 image letterboxed into 64 x 64: content 64 x 32 at y offset 16; the map equals the input size.
  const geometry = planResize('letterbox', 200, 100, 64, 64);
  const [p] = detect(mapWith(64, 64, [[10, 30, 40, 35]]), 64, 64, { unclipRatio: 0 }, geometry);
  const s = 200 / 64;
  near(p.boxPixels.left, 10 * s, 0.01, 'left');
  near(p.boxPixels.top, (30 - 16) * s, 0.01, 'top');
  near(p.boxPixels.width, 30 * s, 0.01, 'width');
  near(p.boxPixels.height, 5 * s, 0.01, 'height');
  near(p.box.left, (10 * s) / 200, 1e-6);
  const [edge] = detect(mapWith(64, 64, [[0, 16, 20, 22]]), 64, 64, { unclipRatio: 3 }, geometry);
  assert.ok(
    edge.quad.every(([x, y]) => x >= 0 && y >= 0 && x <= 200 && y <= 100),
    'clipped',
  );
  const [box] = detect(mapWith(64, 64, [[10, 30, 40, 35]]), 64, 64, { shape: 'box' }, geometry);
  assert.ok(box.quad[0][1] === box.quad[1][1] && box.quad[0][0] === box.quad[3][0], 'axis-aligned');
});

test('a [N, H, W] map and the second image of a batch are read; other shapes are refused', () => {
  const one = mapWith(30, 20, [[2, 2, 20, 8]]);
  const batch = new Float32Array(2 * 600);
  batch.set(one, 600);
  const decoder = createTextDetectionDecoder(DETECTION, ['maps']);
  const geometry = planResize('stretch', 30, 20, 30, 20);
  assert.is(decoder.decode({ outputs: { maps: { dims: [2, 20, 30], data: batch } }, batchIndex: 0, geometry, labels: [] }).length, 0);
  assert.is(
    decoder.decode({ outputs: { maps: { dims: [2, 20, 30], data: batch } }, batchIndex: 1, geometry, labels: ['line'] })[0].label,
    'line',
  );
  assert.throws(
    () => decoder.decode({ outputs: { maps: { dims: [1, 2, 20, 15], data: one } }, batchIndex: 0, geometry, labels: [] }),
    /probability map/,
  );
});

test('unclip grows by area * ratio / perimeter; a degenerate rectangle stays as it is', () => {
  const grown = unclip({ cx: 0, cy: 0, width: 10, height: 2, ux: 1, uy: 0 }, 2);
  near(grown.width, 10 + 2 * ((20 * 2) / 24));
  near(grown.height, 2 + 2 * ((20 * 2) / 24));
  assert.equal(unclip({ cx: 1, cy: 1, width: 0, height: 0, ux: 1, uy: 0 }, 2).width, 0);
});

test('minAreaRect finds the rotated rectangle of a diamond; orderQuad returns TL, TR, BR, BL', () => {
  const rect = minAreaRect([
    [0, 5],
    [5, 0],
    [10, 5],
    [5, 10],
  ]);
  near(rect.width * rect.height, 50, 1e-9, 'area of the diamond itself');
  assert.equal(
    orderQuad([
      [10, 10],
      [0, 0],
      [10, 0],
      [0, 10],
    ]),
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ],
  );
});

test('reading order: lines top to bottom, boxes on one line left to right', () => {
  const at = (x, y) => ({
    quad: [
      [x, y],
      [x + 5, y],
      [x + 5, y + 3],
      [x, y + 3],
    ],
  });
  const sorted = sortReadingOrder([at(50, 42), at(0, 40), at(10, 0), at(0, 100)]);
  assert.equal(
    sorted.map((b) => b.quad[0]),
    [
      [10, 0],
      [0, 40],
      [50, 42],
      [0, 100],
    ],
  );
});

// ---------------------------------------------------------------------------------------------------------------
// CTC

const ALPHABET = ['', 'a', 'b', 'c', ' '];
/** An [1, T, C] tensor whose step t has probability p on class steps[t] and the rest spread evenly. */
function ctc(steps, p = 0.9, classes = ALPHABET.length) {
  const data = new Float32Array(steps.length * classes);
  steps.forEach((c, t) => {
    for (let k = 0; k < classes; k++) data[t * classes + k] = k === c ? p : (1 - p) / (classes - 1);
  });
  return { dims: [1, steps.length, classes], data };
}

test('CTC: repeats merge, a blank between repeats keeps both, blanks vanish', () => {
  assert.is(readCtc(ctc([1, 1, 0, 1, 2, 2, 2, 0, 0, 3]), 0, ALPHABET, 0).text, 'aabc');
  assert.is(readCtc(ctc([0, 0, 0]), 0, ALPHABET, 0).text, '');
  assert.is(readCtc(ctc([3, 4, 4, 0, 4, 1]), 0, ALPHABET, 0).text, 'c  a');
  assert.is(readCtc(ctc([2, 0, 2, 0, 2]), 0, ALPHABET, 0).text, 'bbb');
});

test('CTC: each character keeps its step confidence; the score is their mean', () => {
  const tensor = ctc([1, 0, 2]);
  tensor.data[2 * 5 + 2] = 0.6;
  const read = readCtc(tensor, 0, ALPHABET, 0);
  assert.equal(
    read.characters.map((c) => c.char),
    ['a', 'b'],
  );
  near(read.characters[0].score, 0.9, 1e-6);
  near(read.characters[1].score, 0.6, 1e-6);
  near(read.score, 0.75, 1e-6);
});

test('CTC: a blank at the last index (other exporters) and the second image of a batch', () => {
  const alphabet = ['a', 'b', ''];
  const tensor = ctc([0, 2, 0, 1], 0.9, 3);
  assert.is(readCtc(tensor, 0, alphabet, 2).text, 'aab');
  const batch = { dims: [2, 4, 3], data: new Float32Array([...ctc([2, 2, 2, 2], 0.9, 3).data, ...tensor.data]) };
  assert.is(readCtc(batch, 1, alphabet, 2).text, 'aab');
  assert.is(readCtc(batch, 0, alphabet, 2).text, '');
});

test('CTC decoder: text as label with characters; nothing for empty text or below the threshold; shape checks', () => {
  const decoder = createTextRecognitionDecoder({ kind: 'text-recognition', alphabet: ALPHABET, blank: 0, threshold: 0.5 }, ['probs']);
  const run = (tensor) =>
    decoder.decode({ outputs: { probs: tensor }, batchIndex: 0, geometry: planResize('stretch', 1, 1, 1, 1), labels: [] });
  const [p] = run(ctc([3, 1, 2]));
  assert.is(p.label, 'cab');
  assert.is(p.text, 'cab');
  assert.is(p.characters.length, 3);
  assert.equal(run(ctc([0, 0])), []);
  assert.equal(run(ctc([1, 2], 0.4)), []);
  assert.throws(() => run(ctc([1], 0.9, 7)), /7 classes but the character list makes 5/);
  assert.throws(() => run({ dims: [1, 5], data: new Float32Array(5) }), /not \[N, T, classes\]/);
});

test.run();
