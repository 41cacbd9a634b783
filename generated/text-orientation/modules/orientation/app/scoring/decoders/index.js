import { createBoxesDecoder } from './boxes.js';
import { createClassificationDecoder } from './classification.js';
import { createYoloGridDecoder } from './yolo-grid.js';
const factories = {
    classification: createClassificationDecoder,
    boxes: createBoxesDecoder,
    'yolo-grid': createYoloGridDecoder,
};
export function createDecoder(config, outputNames) {
    return factories[config.kind](config, outputNames);
}
