function read(body, path) {
    let value = body;
    for (const key of path) {
        if (typeof key === 'number')
            value = Array.isArray(value) ? value[key] : undefined;
        // Own properties only: a body cannot reach Object.prototype through "__proto__" or "constructor".
        else
            value =
                typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)
                    ? value[key]
                    : undefined;
        if (value === undefined)
            return undefined;
    }
    return value;
}
export function featureVector(body, features) {
    const values = [];
    const defaulted = [];
    for (const feature of features) {
        const value = read(body, feature.path);
        if (typeof value === 'number' && Number.isFinite(value))
            values.push(value);
        else if (feature.default !== undefined) {
            values.push(feature.default);
            defaulted.push(feature.name);
        }
        else {
            const where = '$body.' +
                feature.path
                    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
                    .join('.')
                    .replace(/\.\[/g, '[');
            return { ok: false, reason: value === undefined ? `${where} is missing` : `${where} is ${JSON.stringify(value)}, not a number` };
        }
    }
    return { ok: true, values, defaulted };
}
