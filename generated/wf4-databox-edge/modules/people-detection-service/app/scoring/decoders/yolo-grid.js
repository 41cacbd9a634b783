import { networkBoxToImage } from '../geometry.js';
import { nonMaxSuppression } from './nms.js';
import { DecoderSetupError, labelFor, roundScore, sigmoid, softmax } from './types.js';
export function createYoloGridDecoder(config, outputNames) {
    const output = config.output ?? outputNames[0];
    if (!output)
        throw new DecoderSetupError('The model has no outputs.');
    const anchors = config.anchors;
    const xy = config.xyActivation === 'none' ? (t) => t : sigmoid;
    return {
        outputNames: [output],
        batchable: true,
        decode({ outputs, batchIndex, geometry, labels }) {
            const tensor = outputs[output];
            if (!tensor)
                throw new DecoderSetupError(`The model produced no output '${output}'.`);
            const [, channels, gridH, gridW] = tensor.dims;
            if (tensor.dims.length !== 4 || !channels || !gridH || !gridW || channels % anchors.length !== 0 || channels / anchors.length < 6) {
                throw new DecoderSetupError(`Output '${output}' has shape [${tensor.dims.join(', ')}], not [1, ${anchors.length}*(5+classes), gridH, gridW].`);
            }
            const perAnchor = channels / anchors.length;
            const classes = perAnchor - 5;
            const plane = gridH * gridW;
            const data = tensor.data;
            const base = batchIndex * channels * plane;
            const candidates = [];
            for (let a = 0; a < anchors.length; a++) {
                const [anchorW, anchorH] = anchors[a];
                const anchorBase = base + a * perAnchor * plane;
                for (let gy = 0; gy < gridH; gy++) {
                    for (let gx = 0; gx < gridW; gx++) {
                        const cell = anchorBase + gy * gridW + gx;
                        const objectness = sigmoid(data[cell + 4 * plane]);
                        const probs = config.classActivation === 'softmax'
                            ? softmax(data, cell + 5 * plane, classes, plane)
                            : Array.from({ length: classes }, (_, k) => sigmoid(data[cell + (5 + k) * plane]));
                        let cx = NaN; // computed lazily: most cells have no class above the threshold
                        for (let k = 0; k < classes; k++) {
                            const score = probs[k] * objectness;
                            if (score <= config.threshold)
                                continue;
                            if (Number.isNaN(cx))
                                cx = (xy(data[cell]) + gx) / gridW;
                            const cy = (xy(data[cell + plane]) + gy) / gridH;
                            const w = (Math.exp(data[cell + 2 * plane]) * anchorW) / gridW;
                            const h = (Math.exp(data[cell + 3 * plane]) * anchorH) / gridH;
                            candidates.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, classId: k });
                        }
                    }
                }
            }
            const predictions = [];
            for (const c of nonMaxSuppression(candidates, config.nmsIou, config.maxDetections)) {
                const nw = geometry.networkWidth;
                const nh = geometry.networkHeight;
                const mapped = networkBoxToImage(geometry, c.x1 * nw, c.y1 * nh, c.x2 * nw, c.y2 * nh);
                if (!mapped)
                    continue;
                predictions.push({
                    label: labelFor(labels, c.classId),
                    labelId: c.classId,
                    score: roundScore(c.score),
                    box: mapped.normalized,
                    boxPixels: mapped.pixels,
                });
            }
            return predictions;
        },
    };
}
