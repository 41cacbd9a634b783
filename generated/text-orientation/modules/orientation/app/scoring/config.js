// The scoring server's JSON config file: its type and a validator with one-line, path-naming errors.
// Runtime stage: written by the compiler (model/scoring-config.ts) into the build context, read by main.ts at start.
// Self-contained on purpose: this file is copied into Docker images and may not import from the compiler.
export class ScoringConfigError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid scoring config: ${problems.join(' ')}`);
        this.problems = problems;
        this.name = 'ScoringConfigError';
    }
}
const describe = (value) => value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `'${value}'` : typeof value;
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
function number(opts = {}) {
    return (value, path, problems) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
            problems.push(`${path} must be a number, not ${describe(value)}.`);
        }
        else if (opts.integer && !Number.isInteger(value)) {
            problems.push(`${path} must be a whole number, not ${value}.`);
        }
        else if (opts.min !== undefined && value < opts.min) {
            problems.push(`${path} must be at least ${opts.min}, not ${value}.`);
        }
        else if (opts.max !== undefined && value > opts.max) {
            problems.push(`${path} must be at most ${opts.max}, not ${value}.`);
        }
    };
}
function oneOf(...allowed) {
    return (value, path, problems) => {
        if (!allowed.includes(value)) {
            problems.push(`${path} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, not ${describe(value)}.`);
        }
    };
}
const text = (value, path, problems) => {
    if (typeof value !== 'string' || value.length === 0)
        problems.push(`${path} must be a non-empty string, not ${describe(value)}.`);
};
const boolean = (value, path, problems) => {
    if (typeof value !== 'boolean')
        problems.push(`${path} must be true or false, not ${describe(value)}.`);
};
function list(item, opts = {}) {
    return (value, path, problems) => {
        if (!Array.isArray(value))
            return void problems.push(`${path} must be a list, not ${describe(value)}.`);
        if (opts.length !== undefined && value.length !== opts.length) {
            return void problems.push(`${path} must have exactly ${opts.length} items, not ${value.length}.`);
        }
        if (opts.min !== undefined && value.length < opts.min) {
            return void problems.push(`${path} must have at least ${opts.min} item(s).`);
        }
        value.forEach((v, i) => item(v, `${path}[${i}]`, problems));
    };
}
/** An object with known keys; keys marked optional may be absent. Unknown keys are errors (typos must not pass). */
function object(fields, optional = []) {
    return (value, path, problems) => {
        if (!isObject(value))
            return void problems.push(`${path} must be an object, not ${describe(value)}.`);
        for (const [key, check] of Object.entries(fields)) {
            if (value[key] === undefined) {
                if (!optional.includes(key))
                    problems.push(`${path}.${key} is required.`);
            }
            else {
                check(value[key], `${path}.${key}`, problems);
            }
        }
        for (const key of Object.keys(value)) {
            if (!(key in fields))
                problems.push(`${path}.${key} is not a known setting.`);
        }
    };
}
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
    }),
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
