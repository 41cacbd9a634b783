import { networkBoxToImage } from '../geometry.js';
import { nonMaxSuppression } from './nms.js';
import { DecoderSetupError, labelFor, roundScore, valueAt } from './types.js';
const namePatterns = [
    { role: 'boxes', pattern: /box/i },
    { role: 'scores', pattern: /score|prob|conf/i },
    { role: 'labels', pattern: /label|class/i },
];
/**
 * Picks boxes / scores / labels outputs: explicit names win, then names that say what they hold, then the order
 * torchvision uses (boxes, labels, scores) when there are exactly three outputs. Undefined when it cannot tell.
 */
export function guessBoxesOutputs(explicit, outputNames) {
    const found = { ...explicit };
    for (const { role, pattern } of namePatterns) {
        if (found[role])
            continue;
        const taken = new Set(Object.values(found));
        found[role] = outputNames.find((n) => pattern.test(n) && !taken.has(n));
    }
    if ((!found.boxes || !found.scores) && outputNames.length === 3 && !explicit.boxes && !explicit.scores && !explicit.labels) {
        return { boxes: outputNames[0], labels: outputNames[1], scores: outputNames[2] };
    }
    if (!found.boxes || !found.scores)
        return undefined;
    return { boxes: found.boxes, scores: found.scores, ...(found.labels ? { labels: found.labels } : {}) };
}
const toCorners = {
    xyxy: (x1, y1, x2, y2) => [x1, y1, x2, y2],
    xywh: (x, y, w, h) => [x, y, x + w, y + h],
    cxcywh: (cx, cy, w, h) => [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
};
export function createBoxesDecoder(config, outputNames) {
    const names = guessBoxesOutputs(config.outputs, outputNames);
    if (!names) {
        throw new DecoderSetupError(`Cannot tell which outputs hold boxes and scores among '${outputNames.join("', '")}'; name them in the decoder settings.`);
    }
    const corners = toCorners[config.boxFormat];
    return {
        outputNames: [names.boxes, names.scores, ...(names.labels ? [names.labels] : [])],
        batchable: false,
        decode({ outputs, batchIndex, geometry, labels }) {
            const boxes = need(outputs, names.boxes);
            const scores = need(outputs, names.scores);
            const classIds = names.labels ? need(outputs, names.labels) : undefined;
            // Boxes are [N, 4] or [batch, N, 4]; only the batched form can be indexed by image.
            const batched = boxes.dims.length === 3;
            if (boxes.dims[boxes.dims.length - 1] !== 4) {
                throw new DecoderSetupError(`Output '${names.boxes}' has shape [${boxes.dims.join(', ')}]; its last dimension must be 4.`);
            }
            const count = boxes.dims[boxes.dims.length - 2] ?? 0;
            const boxBase = batched ? batchIndex * count * 4 : 0;
            const scoreColumns = scoresPerBox(scores, count, batched);
            const scoreBase = batched ? batchIndex * count * scoreColumns : 0;
            const sx = config.normalized ? geometry.networkWidth : 1;
            const sy = config.normalized ? geometry.networkHeight : 1;
            const candidates = [];
            for (let i = 0; i < count; i++) {
                let score;
                let modelClass;
                if (scoreColumns > 1) {
                    // Per-class scores and no labels tensor: the best class wins.
                    modelClass = 0;
                    score = -Infinity;
                    for (let k = 0; k < scoreColumns; k++) {
                        const v = valueAt(scores.data, scoreBase + i * scoreColumns + k);
                        if (v > score)
                            [score, modelClass] = [v, k];
                    }
                }
                else {
                    score = valueAt(scores.data, scoreBase + i);
                    modelClass = classIds ? valueAt(classIds.data, (batched ? batchIndex * count : 0) + i) : 0;
                }
                if (!(score >= config.threshold))
                    continue;
                const o = boxBase + i * 4;
                const [x1, y1, x2, y2] = corners(valueAt(boxes.data, o), valueAt(boxes.data, o + 1), valueAt(boxes.data, o + 2), valueAt(boxes.data, o + 3));
                candidates.push({ x1: x1 * sx, y1: y1 * sy, x2: x2 * sx, y2: y2 * sy, score, classId: modelClass + config.labelOffset });
            }
            const predictions = [];
            for (const c of nonMaxSuppression(candidates, config.nmsIou, config.maxDetections)) {
                const mapped = networkBoxToImage(geometry, c.x1, c.y1, c.x2, c.y2);
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
function need(outputs, name) {
    const tensor = outputs[name];
    if (!tensor)
        throw new DecoderSetupError(`The model produced no output '${name}'.`);
    return tensor;
}
/** 1 for one score per box ([N] / [batch, N]); C for per-class scores ([N, C] / [batch, N, C]). */
function scoresPerBox(scores, count, batched) {
    const rank = scores.dims.length;
    if (rank === (batched ? 3 : 2) && scores.dims[rank - 2] === count)
        return scores.dims[rank - 1];
    return 1;
}
