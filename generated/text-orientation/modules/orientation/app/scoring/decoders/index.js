import { createBoxesDecoder } from './boxes.js';
import { createClassificationDecoder } from './classification.js';
import { createTextDetectionDecoder } from './text-detection.js';
import { createTextRecognitionDecoder } from './text-recognition.js';
import { createYoloGridDecoder } from './yolo-grid.js';
const factories = {
    classification: createClassificationDecoder,
    boxes: createBoxesDecoder,
    'yolo-grid': createYoloGridDecoder,
    'text-detection': createTextDetectionDecoder,
    'text-recognition': createTextRecognitionDecoder,
};
export function createDecoder(config, outputNames) {
    return factories[config.kind](config, outputNames);
}
/** Decoders whose predictions are regions of the image, which a later cascade stage can crop. */
export const REGION_DECODERS = ['boxes', 'yolo-grid', 'text-detection'];
