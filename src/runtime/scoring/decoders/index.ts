// Decoder registry: decoder kind → factory. Runtime stage (scoring), used by scorer.ts.
import type { DecoderConfig } from '../config.js';
import { createBoxesDecoder } from './boxes.js';
import { createClassificationDecoder } from './classification.js';
import { createTextDetectionDecoder } from './text-detection.js';
import { createTextRecognitionDecoder } from './text-recognition.js';
import { createYoloGridDecoder } from './yolo-grid.js';
import type { Decoder } from './types.js';

type Factories = { [K in DecoderConfig['kind']]: (config: Extract<DecoderConfig, { kind: K }>, outputNames: readonly string[]) => Decoder };

const factories: Factories = {
  classification: createClassificationDecoder,
  boxes: createBoxesDecoder,
  'yolo-grid': createYoloGridDecoder,
  'text-detection': createTextDetectionDecoder,
  'text-recognition': createTextRecognitionDecoder,
};

export function createDecoder(config: DecoderConfig, outputNames: readonly string[]): Decoder {
  return (factories[config.kind] as (c: DecoderConfig, o: readonly string[]) => Decoder)(config, outputNames);
}

export type { Decoder, Prediction, OutputTensor, Quad, StageResult } from './types.js';

/** Decoders whose predictions are regions of the image, which a later cascade stage can crop. */
export const REGION_DECODERS: readonly DecoderConfig['kind'][] = ['boxes', 'yolo-grid', 'text-detection'];
