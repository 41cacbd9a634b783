// The scoring server's JSON config file: its type and a validator with one-line, path-naming errors.
// Runtime stage: written by the compiler (model/scoring-config.ts) into the build context, read by main.ts at start.
// Self-contained on purpose: this file is copied into Docker images and may not import from the compiler.
import { boolean, describe, isObject, list, number, object, oneOf, text } from '../shared/config-checks.js';
/**
 * Safe defaults: four largest bodies (at least 64 MiB) in flight; 256 MiB decoded per request (a 40-megapixel RGB
 * photo takes 120 MB, 32 full-HD RGB frames 200 MB); 32 images; 30 s to answer; 120 s to upload (8 MB at ~0.6 Mbit/s),
 * with no gap over 30 s (nginx's client_body_timeout is 60 s).
 */
export function defaultServerLimits(maxBodyBytes) {
    return {
        bytesInFlight: Math.max(64 * 1024 * 1024, 4 * maxBodyBytes),
        decodeBytes: 256 * 1024 * 1024,
        imagesPerRequest: 32,
        processingTimeoutMs: 30_000,
        requestTimeoutMs: 120_000,
        bodyIdleTimeoutMs: 30_000,
    };
}
/** The limits in force: the config's, else the defaults. */
export function serverLimits(server) {
    return server.limits ?? defaultServerLimits(server.maxBodyBytes);
}
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
        apis: list(oneOf('azureml', 'customvision'), { min: 1 }),
        maxBodyBytes: count,
        concurrency: count,
        queueLimit: number({ min: 0, integer: true }),
        limits: object({
            bytesInFlight: count,
            decodeBytes: count,
            imagesPerRequest: count,
            processingTimeoutMs: count,
            requestTimeoutMs: number({ min: 1000, integer: true }),
            bodyIdleTimeoutMs: number({ min: 100, integer: true }),
        }),
    }, ['limits']),
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
        const limits = config.server.limits;
        if (limits && limits.bytesInFlight < config.server.maxBodyBytes) {
            problems.push(`config.server.limits.bytesInFlight (${limits.bytesInFlight}) must be at least maxBodyBytes (${config.server.maxBodyBytes}), or no full-size request could ever be read.`);
        }
    }
    if (problems.length > 0)
        throw new ScoringConfigError(problems);
    return json;
}
