import { allowEntryProblem } from './url-fetch.js';
import { boolean, describe, isObject, list, number, object, oneOf, text } from '../shared/config-checks.js';
export class ScoringConfigError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid scoring config: ${problems.join(' ')}`);
        this.problems = problems;
        this.name = 'ScoringConfigError';
    }
}
// Validation: the shared walker in ../shared/config-checks.ts (no ajv inside the module images).
const probability = number({ min: 0, max: 1 });
const count = number({ min: 1, integer: true });
const decoderChecks = {
    classification: object({ kind: text, output: text, activation: oneOf('softmax', 'sigmoid', 'none'), topK: count, threshold: probability }, ['output']),
    boxes: object({
        kind: text,
        outputs: object({ boxes: text, scores: text, labels: text }, ['boxes', 'scores', 'labels']),
        boxFormat: oneOf('xyxy', 'xywh', 'cxcywh'),
        normalized: boolean,
        labelOffset: number({ integer: true }),
        threshold: probability,
        nmsIou: probability,
        maxDetections: count,
    }, []),
    'yolo-grid': object({
        kind: text,
        output: text,
        anchors: list(list(number({ min: 0 }), { length: 2 }), { min: 1 }),
        xyActivation: oneOf('sigmoid', 'none'),
        classActivation: oneOf('softmax', 'sigmoid'),
        threshold: probability,
        nmsIou: probability,
        maxDetections: count,
    }, ['output', 'xyActivation']),
};
const decoderCheck = (value, path, problems) => {
    if (!isObject(value))
        return void problems.push(`${path} must be an object, not ${describe(value)}.`);
    const check = decoderChecks[value.kind];
    if (!check) {
        return void problems.push(`${path}.kind must be one of ${Object.keys(decoderChecks).map((k) => `'${k}'`).join(', ')}, not ${describe(value.kind)}.`);
    }
    check(value, path, problems);
};
const pixelSize = number({ min: 1, max: 16384, integer: true });
const triple = list(number(), { length: 3 });
const configCheck = object({
    version: oneOf(1),
    name: text,
    task: oneOf('image-classification', 'object-detection'),
    model: object({ path: text }),
    input: object({
        name: text,
        width: pixelSize,
        height: pixelSize,
        layout: oneOf('NCHW', 'NHWC'),
        elementType: oneOf('float32', 'uint8'),
        colorOrder: oneOf('RGB', 'BGR'),
        resize: oneOf('stretch', 'letterbox', 'crop', 'pad-right'),
        scale: number(),
        mean: triple,
        std: (value, path, problems) => {
            triple(value, path, problems);
            if (Array.isArray(value) && value.some((v) => v === 0))
                problems.push(`${path} must not contain 0 (it divides).`);
        },
        padValue: number({ min: 0, max: 255 }),
    }, ['name', 'width', 'height', 'layout', 'elementType']),
    decoder: decoderCheck,
    labels: list(text),
    server: object({
        port: number({ min: 1, max: 65535, integer: true }),
        apis: list(oneOf('edgeml', 'azureml', 'customvision', 'v2'), { min: 1 }),
        maxBodyBytes: count,
        concurrency: count,
        queueLimit: number({ min: 0, integer: true }),
        urlFetch: object({
            allow: list((value, path, problems) => {
                text(value, path, problems);
                const problem = typeof value === 'string' ? allowEntryProblem(value) : undefined;
                if (problem)
                    problems.push(`${path}: ${problem}.`);
            }),
            maxBytes: count,
            timeoutMs: count,
            maxRedirects: number({ min: 0, max: 20, integer: true }),
        }),
    }, ['urlFetch']),
    executionProviders: list(oneOf('cuda', 'cpu'), { min: 1 }),
});
/** Checks parsed JSON against ScoringConfig; throws ScoringConfigError listing every problem, else returns it typed. */
export function validateScoringConfig(json) {
    const problems = [];
    configCheck(json, 'config', problems);
    if (problems.length === 0) {
        const config = json;
        if (config.input.width !== undefined && config.input.height === undefined)
            problems.push('config.input.height is required when width is set.');
        if (config.input.height !== undefined && config.input.width === undefined)
            problems.push('config.input.width is required when height is set.');
        const expected = config.task === 'image-classification' ? ['classification'] : ['boxes', 'yolo-grid'];
        if (!expected.includes(config.decoder.kind)) {
            problems.push(`config.decoder.kind '${config.decoder.kind}' does not fit task '${config.task}'.`);
        }
    }
    if (problems.length > 0)
        throw new ScoringConfigError(problems);
    return json;
}
