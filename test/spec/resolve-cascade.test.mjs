// Resolve stage for cascades: stage model files must exist, character lists are read verbatim (a full-width space
// line stays, line ends go), an empty list is an error at its line, and each stage model is compared with its own
// settings by introspection (a character list that does not fit the recogniser's classes is reported at the stage).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { editSpec, loadText, located, position } from '../helpers/spec-fixtures.mjs';
import { OCR_MODELS } from '../helpers/ocr-cascade.mjs';

const spec = (stages) =>
  editSpec(
    ['task: image-classification', 'task: object-detection'],
    ['    azureml: { name: classifier, version: 1 }', '    file: det.onnx'],
    ['  preprocess:', `  postprocess: { format: text-detection }\n  cascade:\n    stages:\n${stages}\n  preprocess:`],
  );
const reader = `      - name: text\n        source: { file: rec.onnx }\n        preprocess: { width: 320, height: 48 }\n        postprocess: { format: text-recognition, characters: keys.txt }`;

test('a missing stage model and a missing character list are reported at their lines', async () => {
  const text = spec(reader);
  const result = await loadText(text, { files: { 'det.onnx': 'x' } });
  const found = located(result).filter((d) => d.code === 'EML2501');
  assert.equal(
    found.map((d) => [d.line, d.column]),
    [position(text, 'rec.onnx'), position(text, 'keys.txt')].map((p) => [p.line, p.column]),
  );
});

test('the character list is read verbatim into the IR; an empty one is an error', async () => {
  const text = spec(reader);
  const result = await loadText(text, { files: { 'det.onnx': 'x', 'rec.onnx': 'x', 'keys.txt': 'a\r\n\u3000\n b\n' } });
  assert.equal(result.ir.model.cascade.stages[0].decoder.characters, ['a', '\u3000', ' b']);
  const empty = await loadText(text, { files: { 'det.onnx': 'x', 'rec.onnx': 'x', 'keys.txt': '' } });
  assert.equal(
    located(empty)
      .filter((d) => d.code === 'EML2520')
      .map((d) => d.line),
    [position(text, 'keys.txt').line],
  );
});

test('introspection: the recogniser has 6625 classes, so a 3-character list is reported at the stage; the real list fits', async () => {
  const files = {
    'det.onnx': readFileSync(OCR_MODELS + 'ch_PP-OCRv4_det_infer.onnx'),
    'rec.onnx': readFileSync(OCR_MODELS + 'ch_PP-OCRv4_rec_infer.onnx'),
  };
  const text = spec(reader).replace('  preprocess: { width: 224, height: 224, layout: NCHW }', '  preprocess: { width: 640, height: 640 }');
  const wrong = await loadText(text, { introspect: true, files: { ...files, 'keys.txt': 'a\nb\nc\n' } });
  const mismatch = located(wrong).filter((d) => d.code === 'EML2604');
  assert.is(mismatch.length, 1, JSON.stringify(located(wrong)));
  assert.match(mismatch[0].message, /makes 5 classes \(3 characters \+ blank \+ space\) but output 'softmax_11.tmp_0' has 6625/);
  assert.is(mismatch[0].line, position(text, 'keys.txt').line);
  const right = await loadText(text, { introspect: true, files: { ...files, 'keys.txt': readFileSync(OCR_MODELS + 'ppocr_keys_v1.txt') } });
  assert.equal(
    located(right).filter((d) => d.category === 'error'),
    [],
  );
});

test('lowering: the stage after the detector gets the default crop, later stages none; rotate and text defaults', async () => {
  const stages = `      - name: orientation\n        source: { file: cls.onnx }\n        labels: ["0", "180"]\n        postprocess: { format: classification }\n        rotate: { label: "180" }\n${reader}`;
  const result = await loadText(spec(stages), { files: { 'det.onnx': 'x', 'cls.onnx': 'x', 'rec.onnx': 'x', 'keys.txt': 'a\n' } });
  const [orientation, text] = result.ir.model.cascade.stages;
  assert.equal(orientation.crop, { padding: 0.1, maxRegions: 50, minSize: 4 });
  assert.equal(orientation.rotate, { label: '180', degrees: 180, minScore: 0.9 });
  assert.is(text.crop, undefined);
  assert.equal([text.decoder.blank, text.decoder.space, text.decoder.threshold], ['first', true, 0]);
  assert.is(result.ir.model.cascade.maxPixels, 16_000_000);
  const detector = result.ir.model.decoder;
  assert.equal(
    [detector.threshold, detector.boxThreshold, detector.unclipRatio, detector.minSize, detector.maxCandidates, detector.shape],
    [0.3, 0.6, 1.5, 3, 1000, 'quad'],
  );
});

test('introspection: a text-detection format on a classifier (scores, not a map) is reported at postprocess.format', async () => {
  const text = spec(reader).replace('  preprocess: { width: 224, height: 224, layout: NCHW }', '  preprocess: { width: 192, height: 48 }');
  const files = {
    'det.onnx': readFileSync(OCR_MODELS + 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    'rec.onnx': readFileSync(OCR_MODELS + 'ch_PP-OCRv4_rec_infer.onnx'),
    'keys.txt': readFileSync(OCR_MODELS + 'ppocr_keys_v1.txt'),
  };
  const result = await loadText(text, { introspect: true, files });
  const mismatch = located(result).filter((d) => d.code === 'EML2603');
  assert.is(mismatch.length, 1, JSON.stringify(located(result)));
  assert.match(mismatch[0].message, /\[\?, 2\]|is not a text-probability map/);
  assert.is(mismatch[0].line, position(text, 'text-detection').line);
});

test.run();
