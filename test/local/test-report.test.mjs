// `edgeml test` pieces that need no model: model.expect checks (label, minScore, minDetections) and the table
// (classification rows, detection boxes, errors, the "… N more" cut-off, latency line).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkExpectations, describeExpectation } from '../../dist/local/expectations.js';
import { formatTestTable } from '../../dist/local/test-table.js';

test('checkExpectations reports each unmet expectation with its data', () => {
  const preds = [
    { label: 'cat', score: 0.7 },
    { label: 'dog', score: 0.2 },
  ];
  assert.equal(checkExpectations({ label: 'cat', minScore: 0.5 }, preds, 'a.jpg'), []);
  assert.equal(checkExpectations({ label: 'dog', minScore: 0.9, minDetections: 3 }, preds, 'a.jpg'), [
    { id: 'expectLabel', data: { file: 'a.jpg', expected: 'dog', actual: 'cat', score: 0.7 } },
    { id: 'expectScore', data: { file: 'a.jpg', label: 'cat', score: 0.7, minScore: 0.9 } },
    { id: 'expectDetections', data: { file: 'a.jpg', count: 2, min: 3 } },
  ]);
  assert.equal(checkExpectations({ minDetections: 1 }, [], 'b.jpg'), [
    { id: 'expectDetections', data: { file: 'b.jpg', count: 0, min: 1 } },
  ]);
  assert.equal(checkExpectations({ label: 'x' }, [], 'b.jpg')[0].data.actual, '(nothing)');
});

test('describeExpectation reads as one phrase', () => {
  assert.is(describeExpectation({ label: '180', minScore: 0.8 }), "top label '180' with score ≥ 0.8");
  assert.is(describeExpectation({ minScore: 0.5 }), 'top score ≥ 0.5');
  assert.is(describeExpectation({ minDetections: 2 }), 'at least 2 detection(s)');
});

test('formatTestTable: detections with boxes, a cut-off after 10, errors and latency', () => {
  const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.4 };
  const text = formatTestTable(
    [
      {
        file: 'people.jpg',
        predictions: Array.from({ length: 12 }, (_, i) => ({ label: 'person', score: 0.9 - i * 0.01, box })),
        size: { width: 640, height: 480 },
        timings: { readMs: 1, preprocessMs: 20.04, inferenceMs: 8, postprocessMs: 1.26, totalMs: 30.3 },
      },
      { file: 'empty.jpg', predictions: [] },
      { file: 'bad.jpg', error: 'no such file' },
    ],
    'object-detection',
  );
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0], /^image\s+detection\s+score\s+box \(left, top, width, height\)$/);
  assert.match(lines[1], /^people\.jpg\s+person\s+0\.9000\s+0\.100, 0\.200, 0\.300, 0\.400$/);
  assert.is(lines.filter((l) => /person/.test(l)).length, 10);
  assert.match(text, '… 2 more');
  assert.match(text, '640x480, ms: read 1.0, decode+preprocess 20.0, inference 8.0, postprocess 1.3, total 30.3');
  assert.match(text, /empty\.jpg\s+\(no detections above the threshold\)/);
  assert.match(text, /bad\.jpg\s+error: no such file/);
});

test.run();
