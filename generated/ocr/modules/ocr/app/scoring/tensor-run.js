import { InputError } from '../shared/input-error.js';
/** Checks the request against the model before anything runs: every input known and given once, types and fixed dims as the model declares. */
export function checkTensorRequest(request, description) {
    const given = new Set();
    for (const input of request.inputs) {
        const meta = description.inputs.find((i) => i.name === input.name);
        if (!meta)
            throw new InputError(400, `The model has no input '${input.name}' (it has '${description.inputs.map((i) => i.name).join("', '")}').`);
        if (given.has(input.name))
            throw new InputError(400, `Input '${input.name}' is given more than once.`);
        given.add(input.name);
        if (meta.elementType !== input.type)
            throw new InputError(400, `Input '${input.name}' takes ${meta.elementType}, not ${input.type}.`);
        const shape = meta.shape ?? [];
        if (shape.length !== input.dims.length)
            throw new InputError(400, `Input '${input.name}' has ${shape.length} dimension(s) [${shape.join(', ')}], not ${input.dims.length}.`);
        shape.forEach((d, i) => {
            if (typeof d === 'number' && d !== input.dims[i])
                throw new InputError(400, `Input '${input.name}' dimension ${i} must be ${d}, not ${input.dims[i]}.`);
        });
    }
    const missing = description.inputs.filter((i) => !given.has(i.name)).map((i) => i.name);
    if (missing.length > 0)
        throw new InputError(400, `Input '${missing.join("', '")}' is missing.`);
    for (const name of request.outputs) {
        if (!description.outputs.some((o) => o.name === name))
            throw new InputError(400, `The model has no output '${name}' (it has '${description.outputs.map((o) => o.name).join("', '")}').`);
    }
}
export async function runTensors(session, description, request) {
    checkTensorRequest(request, description);
    const ort = await import('onnxruntime-node');
    const feeds = {};
    for (const input of request.inputs)
        feeds[input.name] = new ort.Tensor(input.type, input.data, input.dims);
    const names = request.outputs.length > 0 ? request.outputs : description.outputs.map((o) => o.name);
    const started = performance.now();
    const results = (await session.run(feeds, names));
    const inferenceMs = performance.now() - started;
    const outputs = names.map((name) => {
        const tensor = results[name];
        // A copy that owns its memory: the tensor is released below, and the copy may be transferred between threads.
        const data = Array.isArray(tensor.data) ? [...tensor.data] : tensor.data.slice();
        return { name, type: tensor.type, dims: [...tensor.dims], data };
    });
    for (const tensor of Object.values(results))
        tensor.dispose?.();
    return { outputs, inferenceMs: Math.round(inferenceMs * 1000) / 1000 };
}
