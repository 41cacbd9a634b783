// Shapes the scoring answers: edgeml's detailed JSON (results keyed by multipart field name), the seed's Azure ML
// answer (`[results, "Computed in N ms"]`) and Custom Vision's prediction JSON (id, project, iteration, created,
// predictions with probability / tagId / tagName / boundingBox). Runtime stage (scoring), used by the api-*.ts files.
import { randomUUID } from 'node:crypto';
export function toEdgemlAnswer(fields, results, totalMs) {
    const byField = {};
    fields.forEach((field, i) => (byField[field] = results[i]));
    return { results: byField, timings: { inferenceMs: sumInference(results), totalMs: round(totalMs) } };
}
export function toAzureMlAnswer(task, fields, results, totalMs) {
    const computed = `Computed in ${pythonFloat(Math.round(totalMs * 100) / 100)} ms`;
    if (task === 'object-detection')
        return [results.map(toSeedDetections), computed];
    const byField = {};
    fields.forEach((field, i) => (byField[field] = results[i].predictions.map((p) => [String(p.labelId), p.label, p.score])));
    return [byField, computed];
}
function toSeedDetections(result) {
    const withBoxes = result.predictions.filter((p) => p.boxPixels);
    return {
        boxes: withBoxes.map(({ boxPixels: b }) => [b.left, b.top, b.left + b.width, b.top + b.height]),
        labels: withBoxes.map((p) => p.labelId),
        scores: withBoxes.map((p) => p.score),
    };
}
/** Python's str() of a float: 31.0 keeps its '.0' (the seed printed round(ms, 2)). */
const pythonFloat = (v) => (Number.isInteger(v) ? `${v}.0` : String(v));
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
                stages: Object.fromEntries(Object.entries(p.stages).map(([name, stage]) => [
                    name,
                    {
                        predictions: stage.predictions.map(toCustomVisionPrediction),
                        ...(stage.rotated !== undefined ? { rotated: stage.rotated } : {}),
                    },
                ])),
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
