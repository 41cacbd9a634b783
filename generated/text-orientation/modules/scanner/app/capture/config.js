// The image-capture module's JSON config file: its type and a validator with one-line, path-naming errors.
// Runtime stage (capture): written by the compiler (render/capture-config.ts) into the build context, read by main.ts.
// Self-contained on purpose: this file is copied into Docker images and may not import from the compiler.
import { boolean, describe, isObject, number, object, text } from '../shared/config-checks.js';
export class CaptureConfigError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid capture config: ${problems.join(' ')}`);
        this.problems = problems;
        this.name = 'CaptureConfigError';
    }
}
// Validation: the shared walker in ../shared/config-checks.ts (no ajv inside the module images).
const httpUrl = (value, path, problems) => {
    text(value, path, problems);
    if (typeof value !== 'string' || value.length === 0)
        return;
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return void problems.push(`${path} must be a URL, not ${describe(value)}.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        problems.push(`${path} must be an http:// or https:// URL.`);
};
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** One checker per source kind: a table, since each kind is one shape. */
const sourceChecks = {
    folder: object({ kind: text, path: text }),
    video: object({ kind: text, path: text }),
    camera: object({ kind: text, device: text }),
    rtsp: (value, path, problems) => {
        object({ kind: text, url: text, urlEnv: text }, ['url', 'urlEnv'])(value, path, problems);
        if (!isObject(value))
            return;
        if ((value.url === undefined) === (value.urlEnv === undefined))
            problems.push(`${path} must set exactly one of url and urlEnv.`);
        if (typeof value.urlEnv === 'string' && !ENV_NAME.test(value.urlEnv))
            problems.push(`${path}.urlEnv must be an environment variable name.`);
        if (typeof value.url === 'string' && !/^rtsps?:\/\//i.test(value.url))
            problems.push(`${path}.url must start with rtsp:// or rtsps://.`);
    },
};
const sourceCheck = (value, path, problems) => {
    if (!isObject(value))
        return void problems.push(`${path} must be an object, not ${describe(value)}.`);
    const check = sourceChecks[value.kind];
    if (!check) {
        return void problems.push(`${path}.kind must be one of ${Object.keys(sourceChecks)
            .map((k) => `'${k}'`)
            .join(', ')}, not ${describe(value.kind)}.`);
    }
    check(value, path, problems);
};
const pixelSize = number({ min: 1, max: 16384, integer: true });
const port = number({ min: 1, max: 65535, integer: true });
const configCheck = object({
    version: (value, path, problems) => {
        if (value !== 1)
            problems.push(`${path} must be 1, not ${describe(value)}.`);
    },
    name: text,
    source: sourceCheck,
    fps: number({ min: 0.01, max: 120 }),
    loop: boolean,
    resize: object({ width: pixelSize, height: pixelSize }),
    scoring: object({
        url: httpUrl,
        timeoutMs: number({ min: 1, integer: true }),
        retries: number({ min: 0, max: 20, integer: true }),
        backoffMs: number({ min: 0, integer: true }),
    }),
    output: text,
    view: object({ port, minScore: number({ min: 0, max: 1 }) }),
}, ['resize', 'view']);
/** Checks parsed JSON against CaptureConfig; throws CaptureConfigError listing every problem, else returns it typed. */
export function validateCaptureConfig(json) {
    const problems = [];
    configCheck(json, 'config', problems);
    if (problems.length > 0)
        throw new CaptureConfigError(problems);
    return json;
}
