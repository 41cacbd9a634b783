import { allowEntryProblem } from './url-fetch.js';
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
/** Any string, empty included (the CTC blank's text is ''). */
const anyString = (value, path, problems) => {
    if (typeof value !== 'string')
        problems.push(`${path} must be a string, not ${describe(value)}.`);
};
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
    'text-detection': object({
        kind: text,
        output: text,
        threshold: probability,
        boxThreshold: probability,
        unclipRatio: number({ min: 0, max: 10 }),
        minSize: number({ min: 0 }),
        maxCandidates: count,
        maxDetections: count,
        shape: oneOf('quad', 'box'),
    }, ['output']),
    'text-recognition': object({ kind: text, output: text, alphabet: list(anyString, { min: 2 }), blank: number({ min: 0, integer: true }), threshold: probability }, ['output']),
};
const decoderCheck = (value, path, problems) => {
    if (!isObject(value))
        return void problems.push(`${path} must be an object, not ${describe(value)}.`);
    const check = decoderChecks[value.kind];
    if (!check) {
        return void problems.push(`${path}.kind must be one of ${Object.keys(decoderChecks)
            .map((k) => `'${k}'`)
            .join(', ')}, not ${describe(value.kind)}.`);
    }
    check(value, path, problems);
};
const pixelSize = number({ min: 1, max: 16384, integer: true });
const triple = list(number(), { length: 3 });
const inputCheck = object({
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
}, ['name', 'width', 'height', 'layout', 'elementType']);
const stageCheck = object({
    name: text,
    model: object({ path: text }),
    input: inputCheck,
    decoder: decoderCheck,
    labels: list(text),
    crop: object({ padding: number({ min: 0, max: 2 }), maxRegions: count, minSize: number({ min: 0 }) }),
    rotate: object({ label: text, degrees: oneOf(90, 180, 270), minScore: probability }),
    maxWidth: pixelSize,
}, ['crop', 'rotate', 'maxWidth']);
const configCheck = object({
    version: oneOf(1),
    name: text,
    task: oneOf('image-classification', 'object-detection'),
    model: object({ path: text }),
    input: inputCheck,
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
        limits: object({
            bytesInFlight: count,
            decodeBytes: count,
            imagesPerRequest: count,
            processingTimeoutMs: count,
            requestTimeoutMs: number({ min: 1000, integer: true }),
            bodyIdleTimeoutMs: number({ min: 100, integer: true }),
        }),
    }, ['urlFetch', 'limits']),
    executionProviders: list(oneOf('cuda', 'cpu'), { min: 1 }),
    cascade: object({ stages: list(stageCheck, { min: 1 }), maxPixels: count }),
}, ['cascade']);
const REGION_KINDS = ['boxes', 'yolo-grid', 'text-detection'];
/** A cascade starts with a region model; the stage after each region stage says how it crops; names are unique keys. */
function checkCascade(config, problems) {
    const stages = config.cascade.stages;
    const names = new Set();
    let afterRegions = REGION_KINDS.includes(config.decoder.kind);
    if (!afterRegions)
        problems.push(`config.decoder.kind '${config.decoder.kind}' finds no regions, so no cascade stage can follow it.`);
    stages.forEach((stage, i) => {
        const at = `config.cascade.stages[${i}]`;
        if (names.has(stage.name))
            problems.push(`${at}.name '${stage.name}' is used twice.`);
        names.add(stage.name);
        if (afterRegions && !stage.crop)
            problems.push(`${at}.crop is required: the stage crops the regions found before it.`);
        if (!afterRegions && stage.crop)
            problems.push(`${at}.crop is only for the stage right after a region stage.`);
        if (stage.rotate && stage.decoder.kind !== 'classification')
            problems.push(`${at}.rotate needs a classification decoder.`);
        if (stage.maxWidth !== undefined && stage.input.resize !== 'pad-right')
            problems.push(`${at}.maxWidth needs input.resize 'pad-right'.`);
        if (stage.maxWidth !== undefined && stage.input.width !== undefined && stage.maxWidth < stage.input.width)
            problems.push(`${at}.maxWidth must be at least input.width.`);
        if (stage.decoder.kind === 'text-recognition' && stage.decoder.blank >= stage.decoder.alphabet.length)
            problems.push(`${at}.decoder.blank is outside the alphabet.`);
        afterRegions = REGION_KINDS.includes(stage.decoder.kind);
    });
    if (afterRegions)
        problems.push('config.cascade ends with a region stage whose regions nothing reads.');
}
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
        const expected = config.task === 'image-classification' ? ['classification', 'text-recognition'] : REGION_KINDS;
        if (!expected.includes(config.decoder.kind)) {
            problems.push(`config.decoder.kind '${config.decoder.kind}' does not fit task '${config.task}'.`);
        }
        if (config.cascade)
            checkCascade(config, problems);
        const limits = config.server.limits;
        if (limits && limits.bytesInFlight < config.server.maxBodyBytes) {
            problems.push(`config.server.limits.bytesInFlight (${limits.bytesInFlight}) must be at least maxBodyBytes (${config.server.maxBodyBytes}), or no full-size request could ever be read.`);
        }
    }
    if (problems.length > 0)
        throw new ScoringConfigError(problems);
    return json;
}
