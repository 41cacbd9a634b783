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
        fail('model needs path and inputName');
    if (!Array.isArray(data.features) || data.features.length === 0)
        fail('features must list at least one field');
    const features = data.features.map((f, i) => {
        if (!isRecord(f) || typeof f.name !== 'string' || !Array.isArray(f.path) || f.path.length === 0)
            return fail(`feature ${i + 1} needs a name and a path`);
        if (!f.path.every((p) => typeof p === 'string' || (Number.isInteger(p) && p >= 0)))
            fail(`feature '${f.name}' has a malformed path`);
        if (f.default !== undefined && typeof f.default !== 'number')
            fail(`feature '${f.name}' default must be a number`);
        return f;
    });
    if (!positiveInt(data.window))
        fail('window must be a positive whole number');
    if (data.windowKey !== 'device' && data.windowKey !== 'module')
        fail("windowKey must be 'device' or 'module'");
    const d = data.decoder;
    if (!isRecord(d) || typeof d.output !== 'string')
        return fail('decoder needs a kind and an output name');
    if (d.kind === 'classification' && !(Array.isArray(d.labels) && d.labels.every((l) => typeof l === 'string')))
        fail('a classification decoder needs labels');
    if (d.kind === 'anomaly' && typeof d.threshold !== 'number')
        fail('an anomaly decoder needs a threshold');
    if (!['regression', 'classification', 'anomaly'].includes(String(d.kind)))
        fail(`unknown decoder '${String(d.kind)}'`);
    if (!Array.isArray(data.inputs) || !data.inputs.every((i) => typeof i === 'string') || data.inputs.length === 0)
        fail('inputs must name at least one input');
    if (typeof data.output !== 'string' || data.output === '')
        fail('output must name the output');
    const limits = data.limits;
    if (!isRecord(limits) || !['queueLength', 'maxBatch', 'maxWindows', 'maxMessageBytes'].every((k) => positiveInt(limits[k])))
        fail('limits need positive queueLength, maxBatch, maxWindows and maxMessageBytes');
    return { ...data, features };
}
