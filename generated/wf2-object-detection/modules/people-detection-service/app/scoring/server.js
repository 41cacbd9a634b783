// The scoring HTTP server (node:http): POST /score (Azure ML style multipart), POST /image (Custom Vision style raw
// or multipart imageData), GET /healthz; bounded concurrency and queue, JSON errors, one log line per request,
// graceful close. Runtime stage (scoring); main.ts starts it, tests start it in-process.
import { createServer } from 'node:http';
import { serverLimits } from './config.js';
import { checkDecodeBudget } from './decode-budget.js';
import { toAzureMlAnswer, toCustomVisionAnswer, sumInference } from './responses.js';
import { InputError, isInputError } from '../shared/input-error.js';
import { BusyError, createLimiter, QueueFullError } from '../shared/limiter.js';
import { attachReservation, ByteBudgetError, createByteBudget } from '../shared/byte-budget.js';
import { lingerAfterAnswer } from '../shared/linger.js';
import { mediaType, readBody, readMultipart, setBodyIdleTimeout } from '../shared/request-body.js';
/** Custom Vision's route variants: /image, /<project>/image, /<project>/(classify|detect)/iterations/<name>/image, each optionally /nostore. */
const CUSTOM_VISION_IMAGE = /^\/(?:[^/]+\/)?(?:(?:classify|detect)\/iterations\/[^/]+\/)?image(?:\/nostore)?$/;
const IMAGE_TYPES = /^(application\/octet-stream|image\/[a-z0-9.+-]+)$/;
export function createScoringServer(config, options = {}) {
    const log = options.log ?? (() => undefined);
    const retryAfter = String(options.retryAfterSeconds ?? 1);
    const limiter = createLimiter(config.server.concurrency, config.server.queueLimit);
    const limit = config.server.maxBodyBytes;
    const limits = serverLimits(config.server);
    // Bytes of request bodies held across all connections, each upload from its first byte (README "Limits").
    const bodyBudget = createByteBudget(limits.bytesInFlight);
    let scorer;
    let loadError;
    let closing = false;
    // Requests accepted and not yet answered: close() waits for these, not only for running model calls.
    let inFlight = 0;
    let onDrained;
    const busy = (message) => ({ status: 503, body: { error: { code: 'busy', message } }, headers: { 'retry-after': retryAfter } });
    const readyScorer = () => {
        if (scorer)
            return scorer;
        throw new NotReady(loadError ? `The model failed to load: ${loadError.message}` : 'The model is still loading; retry shortly.');
    };
    /** Rejects early when full, reads the images, then scores them inside the limiter. */
    const scoreImages = async (req, read) => {
        const active = readyScorer();
        if (limiter.isFull())
            throw new QueueFullError();
        const images = await read(req);
        try {
            // Refused from the headers before the request takes a slot: decode bombs and forged sizes never queue.
            checkDecodeBudget(images.map((i) => i.data), limits.decodeBytes);
            // The bytes were read for this request alone: a worker scorer may take them over instead of copying.
            const results = await limiter.run(() => active.scoreBatch(images.map((i) => i.data), { transfer: true }), { deadlineMs: limits.processingTimeoutMs });
            return { fields: images.map((i) => i.field), results };
        }
        catch (error) {
            // With several images, say which request field was the bad one.
            if (isInputError(error) && images.length > 1 && error.imageIndex !== undefined) {
                throw new InputError(error.status, `Field '${images[error.imageIndex]?.field}': ${error.message}`);
            }
            throw error;
        }
    };
    const allRoutes = [
        {
            method: 'GET',
            path: /^\/healthz$/,
            handler: async () => {
                if (!scorer)
                    return { status: 503, body: { status: loadError ? 'failed' : 'loading', ...(loadError ? { error: loadError.message } : {}) }, headers: { 'retry-after': retryAfter } };
                return { status: 200, body: { status: 'ready', model: scorer.summary, active: limiter.active, waiting: limiter.waiting } };
            },
        },
        {
            method: 'POST',
            path: /^\/score$/,
            api: 'azureml',
            handler: async (req) => {
                const started = performance.now();
                const { fields, results } = await scoreImages(req, readScoreImages(limit, limits.imagesPerRequest));
                const answer = toAzureMlAnswer(fields, results, performance.now() - started);
                return { status: 200, body: answer, inferenceMs: answer.timings.inferenceMs };
            },
        },
        {
            method: 'POST',
            path: CUSTOM_VISION_IMAGE,
            api: 'customvision',
            handler: async (req) => {
                const { results } = await scoreImages(req, readCustomVisionImage(limit));
                return { status: 200, body: toCustomVisionAnswer(config.name, results[0]), inferenceMs: sumInference(results) };
            },
        },
    ];
    const routes = allRoutes.filter((r) => !r.api || config.server.apis.includes(r.api));
    const handle = async (req) => {
        const path = (req.url ?? '/').split('?')[0];
        const matching = routes.filter((r) => r.path.test(path));
        if (matching.length === 0)
            return errorAnswer(new InputError(404, `No such endpoint '${path.slice(0, 200)}'.`));
        const route = matching.find((r) => r.method === req.method);
        if (!route) {
            const allowed = matching.map((r) => r.method).join(', ');
            return { ...errorAnswer(new InputError(405, `Use ${allowed} for '${path.slice(0, 200)}'.`)), headers: { allow: allowed } };
        }
        if (closing && route.method === 'POST')
            return busy('The server is shutting down.');
        try {
            return await route.handler(req);
        }
        catch (error) {
            if (error instanceof BusyError)
                return busy(error.message);
            if (error instanceof NotReady)
                return { status: 503, body: { error: { code: 'not-ready', message: error.message } }, headers: { 'retry-after': retryAfter } };
            if (isInputError(error))
                return errorAnswer(error);
            log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            return { status: 500, body: { error: { code: 'internal', message: 'Scoring failed because of an internal error; see the module log.' } } };
        }
    };
    /** The body's share of the byte budget, taken as the headers arrive: the declared length at once, else chunk by chunk. */
    const reserveBody = (req) => {
        const declared = Number(req.headers['content-length']);
        // Over the size limit: reserve nothing, the handler answers 413 without reading.
        const bytes = Number.isSafeInteger(declared) && declared > 0 && declared <= limit ? declared : 0;
        const reservation = bodyBudget.reserve(bytes);
        if (reservation)
            attachReservation(req, bodyBudget, reservation);
        setBodyIdleTimeout(req, limits.bodyIdleTimeoutMs);
        return reservation;
    };
    // Node checks request and header timeouts every connectionsCheckingInterval (30 s by default): check often enough
    // that a short requestTimeoutMs is enforced close to its value.
    const connectionsCheckingInterval = Math.min(30_000, Math.max(250, Math.floor(limits.requestTimeoutMs / 4)));
    const server = createServer({ keepAliveTimeout: 65_000, connectionsCheckingInterval }, (req, res) => {
        const started = performance.now();
        inFlight++;
        const reservation = reserveBody(req);
        res.once('close', () => reservation?.release());
        (reservation ? handle(req) : Promise.resolve(busy(new ByteBudgetError(limits.bytesInFlight).message)))
            .then((answer) => send(req, res, answer, started, log, closing))
            .catch((error) => {
            log(`error: ${error instanceof Error ? error.message : String(error)}`);
            if (!res.headersSent)
                res.writeHead(500).end();
        })
            .finally(() => {
            inFlight--;
            if (inFlight === 0)
                onDrained?.();
        });
    });
    // Refuse requests slower than this (Node answers 408 and closes), so slow clients cannot pin connections forever.
    server.requestTimeout = limits.requestTimeoutMs;
    server.headersTimeout = Math.min(30_000, limits.requestTimeoutMs);
    return {
        server,
        listen(port = config.server.port, host) {
            return new Promise((resolve, reject) => {
                server.once('error', reject);
                server.listen(port, host, () => {
                    server.off('error', reject);
                    resolve(server.address().port);
                });
            });
        },
        setScorer(s) {
            scorer = s;
            loadError = undefined;
        },
        setLoadError(error) {
            loadError = error;
        },
        async close(graceMs = 10_000) {
            closing = true;
            const closed = new Promise((resolve) => server.close(() => resolve()));
            server.closeIdleConnections();
            const drained = inFlight === 0 ? Promise.resolve() : new Promise((resolve) => (onDrained = resolve));
            let timer;
            const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
            await Promise.race([Promise.all([drained, limiter.idle()]), grace]);
            // Whatever is still open now (slow clients, idle keep-alive sockets) is cut.
            server.closeAllConnections();
            await closed;
            clearTimeout(timer);
            await scorer?.close();
            scorer = undefined;
        },
    };
}
class NotReady extends Error {
}
function errorAnswer(error) {
    return { status: error.status, body: { error: { code: codeFor[error.status] ?? 'bad-request', message: error.message } } };
}
const codeFor = { 400: 'bad-request', 404: 'not-found', 405: 'method-not-allowed', 408: 'request-timeout', 413: 'too-large', 415: 'unsupported-media-type' };
/** /score: multipart with any image field names (each scored, keyed by name), or one raw image body keyed 'image'. */
function readScoreImages(limit, maxImages) {
    return async (req) => {
        const type = mediaType(req);
        if (type === 'multipart/form-data') {
            const all = await readMultipart(req, limit, maxImages);
            // File parts are the images; plain fields count only when there are no files (some clients send images as fields).
            const files = all.filter((p) => p.filename !== undefined);
            const parts = files.length > 0 ? files : all.filter((p) => p.data.length > 0);
            if (parts.length === 0)
                throw new InputError(400, 'The multipart request holds no image fields.');
            const seen = new Set();
            for (const p of parts) {
                if (seen.has(p.field))
                    throw new InputError(400, `Field '${p.field}' appears more than once; give each image its own field name.`);
                seen.add(p.field);
            }
            return parts.map((p) => ({ field: p.field, data: p.data }));
        }
        if (IMAGE_TYPES.test(type))
            return [{ field: 'image', data: await readNonEmpty(req, limit) }];
        throw unsupportedType(type, 'multipart/form-data (or a raw image body)');
    };
}
/** /image: raw application/octet-stream (or image/*) body, or multipart with an imageData field (else the first file). */
function readCustomVisionImage(limit) {
    return async (req) => {
        const type = mediaType(req);
        if (type === 'multipart/form-data') {
            const parts = await readMultipart(req, limit);
            const part = parts.find((p) => p.field === 'imageData') ?? parts.find((p) => p.filename !== undefined);
            if (!part)
                throw new InputError(400, "The multipart request has no 'imageData' field.");
            if (part.data.length === 0)
                throw new InputError(400, 'The image is empty.');
            return [{ field: part.field, data: part.data }];
        }
        if (IMAGE_TYPES.test(type))
            return [{ field: 'imageData', data: await readNonEmpty(req, limit) }];
        throw unsupportedType(type, 'application/octet-stream or multipart/form-data');
    };
}
async function readNonEmpty(req, limit) {
    const body = await readBody(req, limit);
    if (body.length === 0)
        throw new InputError(400, 'The request body is empty; send the image bytes.');
    return body;
}
function unsupportedType(type, expected) {
    return new InputError(415, `Content type '${type || 'none'}' is not accepted here; send ${expected}.`);
}
function send(req, res, answer, started, log, closing) {
    const inference = answer.inferenceMs ?? 0;
    const totalMs = performance.now() - started;
    // Every answer carries its timing, errors included.
    const timed = isPlainObject(answer.body) && !('timings' in answer.body) ? { ...answer.body, timings: { inferenceMs: inference, totalMs: round(totalMs) } } : answer.body;
    const body = JSON.stringify(timed);
    // Answered before the whole body was read (e.g. 413): the rest is drained below and the connection not reused.
    const unread = !req.complete;
    res.writeHead(answer.status, {
        ...(unread || closing ? { connection: 'close' } : {}),
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-inference-ms': inference.toFixed(3),
        'x-total-ms': totalMs.toFixed(3),
        ...answer.headers,
    });
    if (unread)
        lingerAfterAnswer(req);
    res.end(body);
    // The query string is left out of the log: clients sometimes put keys there.
    const path = (req.url ?? '').split('?')[0].slice(0, 200);
    log(`${new Date().toISOString()} ${req.method} ${path} ${answer.status} ${totalMs.toFixed(1)}ms inference=${inference.toFixed(1)}ms`);
}
const isPlainObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const round = (ms) => Math.round(ms * 1000) / 1000;
