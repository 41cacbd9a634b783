// Model cascades: one request runs a pipeline of models. The first model sees the image and finds regions (boxes,
// Custom Vision grid, text regions); each later stage sees crops of the regions found by the last region stage
// before it (cut upright, padded, at most `maxRegions` per image, none below `minSize`); an orientation stage may
// turn the crops before the next stage sees them. Each region's prediction nests the later stages' results under
// `stages.<name>`. All stage models live in the one scorer (so each worker thread of worker-pool.ts holds the whole
// cascade and the pool's concurrency bounds it), and one request holds at most `maxPixels` decoded pixels.
// Runtime stage (scoring), reached through createScorer when the config has a `cascade`.
import { isAbsolute, resolve } from 'node:path';
import { cropQuad, cropSize, prepareRgb, turn } from './cascade-image.js';
import { REGION_DECODERS } from './decoders/index.js';
import { describeSession, isFixed, readImageInputShape, readShapeAs } from './model-metadata.js';
import { createInputData, inputDims, prepareImage } from './preprocess.js';
import { createCheckedDecoder, resolveInput, } from './scorer.js';
import { intraOpThreadsFor, loadSession } from './session.js';
import { runTensors } from './tensor-run.js';
import { InputError } from '../shared/input-error.js';
/** Images one model run takes at most: bounds the input tensor of a stage that sees many crops. */
const MAX_RUN_BATCH = 16;
export async function createCascadeScorer(config, options = {}) {
    const cascade = config.cascade;
    const baseDir = options.baseDir ?? '.';
    const modelPathOf = (path) => (isAbsolute(path) ? path : resolve(baseDir, path));
    const threads = intraOpThreadsFor(config.server.concurrency);
    const stages = [];
    const sessions = [];
    let provider = 'cpu';
    let description;
    try {
        const specs = [
            { name: config.name, model: config.model, input: config.input, decoder: config.decoder, labels: config.labels },
            ...cascade.stages,
        ];
        for (const [index, spec] of specs.entries()) {
            const model = index === 0 ? (options.modelBytes ?? options.modelPath ?? modelPathOf(spec.model.path)) : modelPathOf(spec.model.path);
            const loaded = await loadSession(model, config.executionProviders, threads, typeof model === 'string' ? undefined : 'in-memory model');
            // Tracked at once, so a failure below still releases it.
            sessions.push(loaded.session);
            if (loaded.fallbackReason)
                options.log?.(`note: ${spec.name}: ${loaded.fallbackReason}; using ${loaded.provider}.`);
            const stageDescription = describeSession(loaded.session);
            const later = index === 0 ? {} : spec;
            stages.push({
                name: spec.name,
                session: loaded.session,
                input: resolveInput(spec, stageDescription),
                decoder: createCheckedDecoder(spec.decoder, loaded.session, stageDescription),
                labels: spec.labels,
                findsRegions: REGION_DECODERS.includes(spec.decoder.kind),
                ...(later.crop ? { crop: later.crop } : {}),
                ...(later.rotate ? { rotate: later.rotate } : {}),
                ...(later.maxWidth && takesAnyWidth(spec.input, stageDescription) ? { maxWidth: later.maxWidth } : {}),
            });
            if (index === 0) {
                provider = loaded.provider;
                description = stageDescription;
            }
        }
    }
    catch (error) {
        await Promise.all(sessions.map((s) => s.release().catch(() => undefined)));
        throw error;
    }
    const summaryOf = (stage) => {
        const i = stage.input;
        return {
            name: i.name,
            width: i.width,
            height: i.height,
            layout: i.layout,
            elementType: i.elementType,
            resize: i.resize,
            colorOrder: i.colorOrder,
        };
    };
    const [first, ...later] = stages;
    const summary = {
        name: config.name,
        task: config.task,
        provider,
        input: summaryOf(first),
        outputs: first.decoder.outputNames,
        labels: config.labels.length,
        decoder: config.decoder.kind,
        stages: later.map((s, i) => ({
            name: s.name,
            input: summaryOf(s),
            outputs: s.decoder.outputNames,
            decoder: cascade.stages[i].decoder.kind,
        })),
    };
    let ort;
    /** Runs one stage over prepared images (in runs of at most MAX_RUN_BATCH when the model takes batches). */
    const runStage = async (stage, prepared, clock, input = stage.input) => {
        ort ??= await import('onnxruntime-node');
        const perRun = stage.decoder.batchable && stage.input.dynamicBatch ? MAX_RUN_BATCH : 1;
        const results = [];
        for (let start = 0; start < prepared.length; start += perRun) {
            const batch = prepared.slice(start, start + perRun);
            const t0 = performance.now();
            const tensor = new ort.Tensor(input.elementType, createInputData(batch, input), inputDims(input, batch.length));
            const outputs = (await stage.session.run({ [stage.input.name]: tensor }, stage.decoder.outputNames));
            const t1 = performance.now();
            batch.forEach((image, batchIndex) => {
                results.push(stage.decoder.decode({
                    outputs: outputs,
                    batchIndex,
                    geometry: image.geometry,
                    labels: stage.labels,
                }));
            });
            for (const output of Object.values(outputs))
                output.dispose?.();
            clock.inferenceMs += t1 - t0;
            clock.postprocessMs += performance.now() - t1;
        }
        return results;
    };
    /**
     * Runs one stage over crops. A stage with maxWidth sorts its crops by aspect ratio and makes each batch as wide as
     * its widest crop (at least input.width), as PaddleOCR batches its recogniser; otherwise every crop is fitted to
     * the input size. Results come back in the order of the crops.
     */
    const runOnCrops = async (stage, images, clock) => {
        if (!stage.maxWidth) {
            const t0 = performance.now();
            const prepared = await Promise.all(images.map((image) => prepareRgb(image, stage.input)));
            clock.preprocessMs += performance.now() - t0;
            return runStage(stage, prepared, clock);
        }
        const { height, width: minWidth } = stage.input;
        const wanted = images.map((image) => Math.ceil((height * image.width) / image.height));
        const order = images.map((_, i) => i).sort((a, b) => wanted[a] - wanted[b] || a - b);
        const perRun = stage.decoder.batchable && stage.input.dynamicBatch ? MAX_RUN_BATCH : 1;
        const results = new Array(images.length);
        for (let start = 0; start < order.length; start += perRun) {
            const batch = order.slice(start, start + perRun);
            // A multiple of 8: recognisers downsample the width by 8 into CTC steps.
            const width = Math.min(stage.maxWidth, Math.max(minWidth, Math.ceil(Math.max(...batch.map((i) => wanted[i])) / 8) * 8));
            const input = { ...stage.input, width };
            const t0 = performance.now();
            const prepared = await Promise.all(batch.map((i) => prepareRgb(images[i], input)));
            clock.preprocessMs += performance.now() - t0;
            const found = await runStage(stage, prepared, clock, input);
            batch.forEach((i, k) => (results[i] = found[k]));
        }
        return results;
    };
    /**
     * Runs stages[from..] on the regions of `parent`: crops them (the first stage after a region stage says how), then
     * each stage in turn, until a region stage's own regions are handed one level down.
     */
    const runOn = async (parent, regions, from, budget, clock) => {
        const cropper = stages[from];
        if (!cropper || regions.length === 0)
            return;
        const crop = cropper.crop;
        // The best regions get crops; the others keep their detection without stage results.
        const chosen = [...regions].sort((a, b) => b.score - a.score).slice(0, crop.maxRegions);
        const work = [];
        for (const region of regions.filter((r) => chosen.includes(r))) {
            const quad = quadOf(region);
            if (!quad)
                continue;
            const size = cropSize(quad, crop.padding);
            const shorter = Math.min(...quadSides(quad));
            if (shorter < crop.minSize)
                continue;
            if (!budget.take(size.width * size.height))
                continue;
            work.push({ region, image: cropQuad(parent, quad, crop.padding) });
        }
        for (let index = from; index < stages.length && work.length > 0; index++) {
            const stage = stages[index];
            const found = await runOnCrops(stage, work.map((w) => w.image), clock);
            work.forEach((w, i) => {
                const predictions = found[i];
                const result = { predictions };
                if (stage.rotate) {
                    const top = predictions[0];
                    const turnIt = top !== undefined && top.label === stage.rotate.label && top.score >= stage.rotate.minScore;
                    if (turnIt)
                        w.image = turn(w.image, stage.rotate.degrees);
                    result.rotated = turnIt ? stage.rotate.degrees : 0;
                }
                (w.region.stages ??= {})[stage.name] = result;
            });
            if (stage.findsRegions) {
                for (const w of work)
                    await runOn(w.image, w.region.stages[stage.name].predictions, index + 1, budget, clock);
                return;
            }
        }
    };
    const scoreOne = async (bytes, index) => {
        const started = performance.now();
        const clock = { preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 };
        const asRequestError = (error) => error instanceof InputError ? new InputError(error.status, error.message, index) : error;
        let prepared;
        try {
            prepared = await prepareImage(bytes, first.input);
        }
        catch (error) {
            throw asRequestError(error);
        }
        const { originalWidth: width, originalHeight: height } = prepared.geometry;
        if (width * height > cascade.maxPixels) {
            throw new InputError(413, `The image is ${width}x${height} pixels; this cascade accepts at most ${cascade.maxPixels} pixels per image.`, index);
        }
        clock.preprocessMs += performance.now() - started;
        const [predictions] = await runStage(first, [prepared], clock);
        if (predictions.length > 0) {
            // The crops come from the full-resolution image, decoded once more at its own size (only when there is a region).
            const t0 = performance.now();
            let full;
            try {
                full = await prepareImage(bytes, { ...first.input, resize: 'stretch', width, height });
            }
            catch (error) {
                throw asRequestError(error);
            }
            clock.preprocessMs += performance.now() - t0;
            const budget = new PixelBudget(cascade.maxPixels - width * height);
            await runOn({ data: full.rgb, width, height }, predictions, 1, budget, clock);
        }
        return {
            predictions: predictions,
            image: { width, height },
            timings: {
                preprocessMs: round(clock.preprocessMs),
                inferenceMs: round(clock.inferenceMs),
                postprocessMs: round(clock.postprocessMs),
                totalMs: round(performance.now() - started),
                batchSize: 1,
            },
        };
    };
    return {
        summary,
        description: description,
        score: (bytes) => scoreOne(bytes, 0),
        async scoreBatch(images) {
            const results = [];
            for (const [index, image] of images.entries())
                results.push(await scoreOne(image, index));
            return results;
        },
        // Raw tensors (Open Inference Protocol) address the cascade's first model: a tensor has no regions to crop.
        infer: (request) => runTensors(first.session, description, request),
        async close() {
            await Promise.all(stages.map((s) => s.session.release()));
        },
    };
}
/** Whether the model's image input leaves its width open (a symbolic dimension), so batches may differ in width. */
function takesAnyWidth(input, description) {
    const meta = description.inputs.find((i) => i.name === (input.name ?? description.inputs[0]?.name));
    const layout = input.layout ?? readImageInputShape(meta?.shape).layout;
    return layout !== undefined && !isFixed(readShapeAs(meta?.shape, layout).width);
}
/** Pixels one request may still allocate for crops; a region whose crop does not fit is left without stage results. */
class PixelBudget {
    left;
    constructor(left) {
        this.left = left;
    }
    take(pixels) {
        if (pixels > this.left)
            return false;
        this.left -= pixels;
        return true;
    }
}
/** A region's quadrilateral: its own (text detectors) or its box's corners. */
function quadOf(region) {
    if (region.quad)
        return region.quad;
    const b = region.boxPixels;
    if (!b)
        return undefined;
    return [
        [b.left, b.top],
        [b.left + b.width, b.top],
        [b.left + b.width, b.top + b.height],
        [b.left, b.top + b.height],
    ];
}
function quadSides(quad) {
    const [tl, tr, , bl] = quad;
    return [Math.hypot(tr[0] - tl[0], tr[1] - tl[1]), Math.hypot(bl[0] - tl[0], bl[1] - tl[1])];
}
const round = (ms) => Math.round(ms * 1000) / 1000;
