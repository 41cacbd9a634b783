// The in-process scoring API: createScorer(config) loads the model once and scores image bytes (decode → preprocess
// → run → decode outputs), alone or as a batch. Used by server.ts and by `edgeml test`. Runtime stage (scoring).
import { isAbsolute, resolve } from 'node:path';
import { serverLimits } from './config.js';
import { checkDecodeBudget } from './decode-budget.js';
import { createDecoder } from './decoders/index.js';
import { describeSession, isFixed, readImageInputShape, readShapeAs } from './model-metadata.js';
import { createInputData, inputDims, inputLength, prepareImage, } from './preprocess.js';
import { intraOpThreadsFor, loadSession, ModelLoadError } from './session.js';
import { InputError } from '../shared/input-error.js';
import { runTensors } from './tensor-run.js';
export async function createScorer(config, options = {}) {
    // A cascade (several models, later ones reading crops of earlier regions) has its own runner.
    if (config.cascade)
        return (await import('./cascade.js')).createCascadeScorer(config, options);
    const modelPath = options.modelPath ?? (isAbsolute(config.model.path) ? config.model.path : resolve(options.baseDir ?? '.', config.model.path));
    const model = options.modelBytes ?? modelPath;
    const loaded = await loadSession(model, config.executionProviders, intraOpThreadsFor(config.server.concurrency), options.modelBytes ? 'in-memory model' : undefined);
    if (loaded.fallbackReason)
        options.log?.(`note: ${loaded.fallbackReason}; using ${loaded.provider}.`);
    const { session } = loaded;
    try {
        const description = describeSession(session);
        const input = resolveInput(config, description);
        const decoder = createCheckedDecoder(config.decoder, session, description);
        const summary = {
            name: config.name,
            task: config.task,
            provider: loaded.provider,
            input: {
                name: input.name,
                width: input.width,
                height: input.height,
                layout: input.layout,
                elementType: input.elementType,
                resize: input.resize,
                colorOrder: input.colorOrder,
            },
            outputs: decoder.outputNames,
            labels: config.labels.length,
            decoder: config.decoder.kind,
        };
        return buildScorer(session, input, decoder, config.labels, summary, description, serverLimits(config.server).decodeBytes);
    }
    catch (error) {
        await session.release().catch(() => undefined);
        throw error;
    }
}
/** The decoder for a loaded model, after checking that the outputs it reads exist and hold numbers. */
export function createCheckedDecoder(config, session, description) {
    const decoder = createDecoder(config, session.outputNames);
    const missing = decoder.outputNames.filter((n) => !session.outputNames.includes(n));
    if (missing.length > 0)
        throw new ModelLoadError(`The model has no output '${missing.join("', '")}' (it has '${session.outputNames.join("', '")}').`);
    for (const name of decoder.outputNames) {
        const type = description.outputs.find((o) => o.name === name)?.elementType ?? 'unknown';
        if (type === 'string' || type === 'bool' || type === 'non-tensor') {
            throw new ModelLoadError(`Model output '${name}' holds ${type} values, not scores; name the scores output in the decoder settings.`);
        }
    }
    return decoder;
}
/** Fills input settings the config left open from the model, and rejects contradictions with the model. */
export function resolveInput(config, description) {
    const wanted = config.input.name ?? description.inputs[0]?.name;
    const meta = description.inputs.find((i) => i.name === wanted);
    if (!meta)
        throw new ModelLoadError(`The model has no input '${wanted ?? ''}' (it has '${description.inputs.map((i) => i.name).join("', '")}').`);
    const inferred = readImageInputShape(meta.shape);
    const layout = config.input.layout ?? inferred.layout;
    if (!layout)
        throw new ModelLoadError(`Cannot tell the layout of input '${meta.name}' [${(meta.shape ?? []).join(', ')}]; set it (NCHW or NHWC).`);
    const dims = readShapeAs(meta.shape, layout);
    if (isFixed(dims.channels) && dims.channels !== 3) {
        throw new ModelLoadError(`Input '${meta.name}' takes ${dims.channels} channel(s); the scoring module feeds 3 (RGB or BGR).`);
    }
    const size = (axis) => {
        const fromModel = dims[axis];
        const fromConfig = config.input[axis];
        if (fromConfig !== undefined && isFixed(fromModel) && fromModel !== fromConfig) {
            throw new ModelLoadError(`The config sets input ${axis} ${fromConfig} but model input '${meta.name}' has ${axis} ${fromModel}.`);
        }
        const value = fromConfig ?? (isFixed(fromModel) ? fromModel : undefined);
        if (value === undefined)
            throw new ModelLoadError(`Model input '${meta.name}' has a variable ${axis}; set the input ${axis} in the config.`);
        return value;
    };
    const modelType = meta.elementType === 'float32' || meta.elementType === 'uint8' ? meta.elementType : undefined;
    const elementType = config.input.elementType ?? modelType;
    if (!elementType)
        throw new ModelLoadError(`Input '${meta.name}' takes ${meta.elementType}; the scoring module feeds float32 or uint8.`);
    if (modelType && elementType !== modelType)
        throw new ModelLoadError(`The config sets element type ${elementType} but input '${meta.name}' takes ${meta.elementType}.`);
    const batch = meta.shape?.[0];
    return {
        ...config.input,
        name: meta.name,
        width: size('width'),
        height: size('height'),
        layout,
        elementType,
        dynamicBatch: !isFixed(batch),
    };
}
function buildScorer(session, input, decoder, labels, summary, description, decodeBudget) {
    let ortModule;
    // Single-image input buffers are reused once a run has finished with them: allocating and zeroing a fresh one per
    // request (0.1-0.6 MB) costs more than filling it. Runs may overlap (score() called concurrently), hence a list.
    const spareInputs = [];
    const tensorFor = async (prepared) => {
        ortModule ??= await import('onnxruntime-node');
        const data = createInputData(prepared, input, prepared.length === 1 ? spareInputs.pop() : undefined);
        return { tensor: new ortModule.Tensor(input.elementType, data, inputDims(input, prepared.length)), data };
    };
    const giveBack = (data) => {
        if (data.length === inputLength(input, 1) && spareInputs.length < MAX_SPARE_INPUTS)
            spareInputs.push(data);
    };
    /** Runs one model call over already prepared images and decodes each. */
    const runPrepared = async (prepared, started, preprocessMs) => {
        const t0 = performance.now();
        const { tensor, data } = await tensorFor(prepared);
        const tensorMs = performance.now() - t0;
        let outputs;
        try {
            outputs = (await session.run({ [input.name]: tensor }, decoder.outputNames));
        }
        finally {
            giveBack(data);
        }
        const t1 = performance.now();
        const inferenceMs = t1 - t0 - tensorMs;
        const results = prepared.map((img, batchIndex) => {
            const t2 = performance.now();
            const predictions = decoder.decode({ outputs: outputs, batchIndex, geometry: img.geometry, labels });
            const t3 = performance.now();
            return {
                predictions,
                image: { width: img.geometry.originalWidth, height: img.geometry.originalHeight },
                timings: {
                    preprocessMs: round(preprocessMs[batchIndex] + tensorMs / prepared.length),
                    inferenceMs: round(inferenceMs),
                    postprocessMs: round(t3 - t2),
                    totalMs: round(t3 - started[batchIndex]),
                    batchSize: prepared.length,
                },
            };
        });
        for (const tensor of Object.values(outputs))
            tensor.dispose?.();
        return results;
    };
    const prepareTimed = async (bytes, index = 0) => {
        const started = performance.now();
        try {
            const prepared = await prepareImage(bytes, input);
            return { prepared, started, ms: performance.now() - started };
        }
        catch (error) {
            if (error instanceof InputError)
                throw new InputError(error.status, error.message, index);
            throw error;
        }
    };
    const scoreAt = async (bytes, index) => {
        const p = await prepareTimed(bytes, index);
        return (await runPrepared([p.prepared], [p.started], [p.ms]))[0];
    };
    return {
        summary,
        description,
        score: async (bytes) => {
            checkDecodeBudget([bytes], decodeBudget);
            return scoreAt(bytes, 0);
        },
        async scoreBatch(images) {
            if (images.length === 0)
                return [];
            // Before anything is decoded: a batch whose headers promise more pixels than the budget never reaches sharp.
            checkDecodeBudget(images, decodeBudget);
            if (!(decoder.batchable && input.dynamicBatch) || images.length === 1) {
                const results = [];
                for (const [index, image] of images.entries())
                    results.push(await scoreAt(image, index));
                return results;
            }
            const prepared = await Promise.all(images.map((image, index) => prepareTimed(image, index)));
            return runPrepared(prepared.map((p) => p.prepared), prepared.map((p) => p.started), prepared.map((p) => p.ms));
        },
        infer: (request) => runTensors(session, description, request),
        async close() {
            await session.release();
        },
    };
}
/**
 * Scores one blank image of the network's input size through the whole pipeline (JPEG decode, resize, tensor, model
 * run, decoder), so that the first client request does not pay the first-run costs (onnxruntime plans and allocates
 * its memory on the first run; libvips sets up its decoder) and readiness means "this session has scored".
 */
export async function warmUp(scorer) {
    const sharp = (await import('sharp')).default;
    const { width, height } = scorer.summary.input;
    const image = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
        .jpeg()
        .toBuffer();
    await scorer.score(image);
}
/** Spare input buffers kept per scorer: enough for the runs that overlap in practice. */
const MAX_SPARE_INPUTS = 4;
const round = (ms) => Math.round(ms * 1000) / 1000;
