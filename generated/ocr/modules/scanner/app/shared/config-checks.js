// A small hand-written validator for the modules' generated config files (runtime stage, shared by the scoring and
// capture modules): no ajv, because this code ships inside the module images. Each check appends readable problems.
export const describe = (value) => value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `'${value.slice(0, 80)}'` : typeof value;
export const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
export function number(opts = {}) {
    return (value, path, problems) => {
        if (typeof value !== 'number' || !Number.isFinite(value))
            problems.push(`${path} must be a number, not ${describe(value)}.`);
        else if (opts.integer && !Number.isInteger(value))
            problems.push(`${path} must be a whole number, not ${value}.`);
        else if (opts.min !== undefined && value < opts.min)
            problems.push(`${path} must be at least ${opts.min}, not ${value}.`);
        else if (opts.max !== undefined && value > opts.max)
            problems.push(`${path} must be at most ${opts.max}, not ${value}.`);
    };
}
export function oneOf(...allowed) {
    return (value, path, problems) => {
        if (!allowed.includes(value)) {
            problems.push(`${path} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, not ${describe(value)}.`);
        }
    };
}
export const text = (value, path, problems) => {
    if (typeof value !== 'string' || value.length === 0)
        problems.push(`${path} must be a non-empty string, not ${describe(value)}.`);
};
export const boolean = (value, path, problems) => {
    if (typeof value !== 'boolean')
        problems.push(`${path} must be true or false, not ${describe(value)}.`);
};
export function list(item, opts = {}) {
    return (value, path, problems) => {
        if (!Array.isArray(value))
            return void problems.push(`${path} must be a list, not ${describe(value)}.`);
        if (opts.length !== undefined && value.length !== opts.length) {
            return void problems.push(`${path} must have exactly ${opts.length} items, not ${value.length}.`);
        }
        if (opts.min !== undefined && value.length < opts.min)
            return void problems.push(`${path} must have at least ${opts.min} item(s).`);
        value.forEach((v, i) => item(v, `${path}[${i}]`, problems));
    };
}
/** An object with known keys; keys marked optional may be absent. Unknown keys are errors (typos must not pass). */
export function object(fields, optional = []) {
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
