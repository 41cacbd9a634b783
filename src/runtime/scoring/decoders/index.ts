// Decoder registry: decoder kind → factory. Runtime stage (scoring), used by scorer.ts.
import type { DecoderConfig } from '../config.js';
import { createBoxesDecoder } from './boxes.js';
import { createClassificationDecoder } from './classification.js';
import { createYoloGridDecoder } from './yolo-grid.js';
import type { Decoder } from './types.js';

type Factories = { [K in DecoderConfig['kind']]: (config: Extract<DecoderConfig, { kind: K }>, outputNames: readonly string[]) => Decoder };

const factories: Factories = {
  classification: createClassificationDecoder,
  boxes: createBoxesDecoder,
  'yolo-grid': createYoloGridDecoder,
};

export function createDecoder(config: DecoderConfig, outputNames: readonly string[]): Decoder {
  return (factories[config.kind] as (c: DecoderConfig, o: readonly string[]) => Decoder)(config, outputNames);
}

export type { Decoder, Prediction, OutputTensor } from './types.js';
