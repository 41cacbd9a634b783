// The telemetry scoring module's configuration (written by edgeml compile as config.json): which message fields make
// the model's input vector, how many messages per device form a window, how the output is read, and the limits.
// Runtime stage (telemetry): validated here because the module must not trust a hand-edited file.
export class TelemetryConfigError extends Error {
    name = 'TelemetryConfigError';
}
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const positiveInt = (v) => Number.isInteger(v) && v > 0;
export function validateTelemetryConfig(data) {
    const fail = (what) => {
        throw new TelemetryConfigError(`Telemetry config: ${what}.`);
    };
    if (!isRecord(data))
        return fail('expected an object');
    const model = data.model;
    if (!isRecord(model) || typeof model.path !== 'string' || typeof model.inputName !== 'string')
        return fail('model needs path and inputName');
    if (!Array.isArray(data.features) || data.features.length === 0)
        return fail('features must list at least one field');
    const features = data.features.map((f, i) => {
        if (!isRecord(f) || typeof f.name !== 'string' || !Array.isArray(f.path) || f.path.length === 0)
            return fail(`feature ${i + 1} needs a name and a path`);
        const name = f.name;
        const path = f.path.map((p) => typeof p === 'string' || (typeof p === 'number' && Number.isInteger(p) && p >= 0)
            ? p
            : fail(`feature '${name}' has a malformed path`));
        if (f.default !== undefined && typeof f.default !== 'number')
            return fail(`feature '${name}' default must be a number`);
        return { name, path, ...(typeof f.default === 'number' ? { default: f.default } : {}) };
    });
    const window = data.window;
    if (!positiveInt(window))
        return fail('window must be a positive whole number');
    const windowKey = data.windowKey;
    if (windowKey !== 'device' && windowKey !== 'module')
        return fail("windowKey must be 'device' or 'module'");
    const d = data.decoder;
    if (!isRecord(d) || typeof d.output !== 'string')
        return fail('decoder needs a kind and an output name');
    let decoder;
    if (d.kind === 'regression')
        decoder = { kind: 'regression', output: d.output, ...(typeof d.unit === 'string' ? { unit: d.unit } : {}) };
    else if (d.kind === 'anomaly')
        decoder =
            typeof d.threshold === 'number'
                ? { kind: 'anomaly', output: d.output, threshold: d.threshold }
                : fail('an anomaly decoder needs a threshold');
    else if (d.kind === 'classification') {
        const labels = d.labels;
        decoder =
            Array.isArray(labels) && labels.every((l) => typeof l === 'string')
                ? { kind: 'classification', output: d.output, labels }
                : fail('a classification decoder needs labels');
    }
    else
        return fail(`unknown decoder '${String(d.kind)}'`);
    const inputs = data.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string'))
        return fail('inputs must name at least one input');
    if (typeof data.output !== 'string' || data.output === '')
        return fail('output must name the output');
    const limits = data.limits;
    if (!isRecord(limits))
        return fail('limits are missing');
    const [queueLength, maxBatch, maxWindows, maxMessageBytes] = [
        limits.queueLength,
        limits.maxBatch,
        limits.maxWindows,
        limits.maxMessageBytes,
    ];
    if (!positiveInt(queueLength) || !positiveInt(maxBatch) || !positiveInt(maxWindows) || !positiveInt(maxMessageBytes))
        return fail('limits need positive queueLength, maxBatch, maxWindows and maxMessageBytes');
    return {
        model: { path: model.path, inputName: model.inputName },
        features,
        window,
        windowKey,
        decoder,
        inputs,
        output: data.output,
        limits: { queueLength, maxBatch, maxWindows, maxMessageBytes },
    };
}
