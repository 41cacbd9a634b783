// Shapes the scoring answers: Azure ML style (results keyed by multipart field name) and Custom Vision's prediction
// JSON (id, project, iteration, created, predictions with probability / tagId / tagName / boundingBox).
// Runtime stage (scoring), used by server.ts.
import { randomUUID } from 'node:crypto';
export function toAzureMlAnswer(fields, results, totalMs) {
    const byField = {};
    fields.forEach((field, i) => (byField[field] = results[i]));
    return { results: byField, timings: { inferenceMs: sumInference(results), totalMs: round(totalMs) } };
}
/** One prediction in Custom Vision's shape, keeping the text and the nested stage results a cascade adds. */
function toCustomVisionPrediction(p) {
    return {
        probability: p.score,
        tagId: p.labelId,
        tagName: p.label,
        ...(p.box ? { boundingBox: p.box } : {}),
        ...(p.quad ? { quad: p.quad } : {}),
        ...(p.text !== undefined ? { text: p.text } : {}),
        ...(p.stages
            ? {
                stages: Object.fromEntries(Object.entries(p.stages).map(([name, stage]) => [name, { predictions: stage.predictions.map(toCustomVisionPrediction), ...(stage.rotated !== undefined ? { rotated: stage.rotated } : {}) }])),
            }
            : {}),
    };
}
export function toCustomVisionAnswer(project, result, now = new Date()) {
    return {
        id: randomUUID(),
        project,
        iteration: '',
        created: now.toISOString(),
        predictions: result.predictions.map(toCustomVisionPrediction),
        timings: result.timings,
    };
}
/** Model time spent for these results; a run shared by a batch is counted once. */
export const sumInference = (results) => round(results.reduce((n, r) => n + r.timings.inferenceMs / r.timings.batchSize, 0));
const round = (ms) => Math.round(ms * 1000) / 1000;
