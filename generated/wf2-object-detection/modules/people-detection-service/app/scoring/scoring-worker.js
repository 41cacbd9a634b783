// Inference worker thread: holds one Scorer (its own onnxruntime session) and scores the images the main thread
// sends. onnxruntime-node runs a model synchronously on the calling thread, so running it here keeps the HTTP
// thread free for requests, health checks and 503s. Runtime stage (scoring), started by worker-pool.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { createScorer, warmUp } from './scorer.js';
import { ModelLoadError } from './session.js';
import { serializeError } from './worker-protocol.js';
const port = parentPort;
if (!port)
    throw new Error('scoring-worker must run as a worker thread.');
const post = (message) => port.postMessage(message);
const init = workerData;
let scorer;
try {
    scorer = await createScorer(init.config, { ...init.options, log: (line) => post({ type: 'log', line }) });
    // Ready means this session has scored: a model that loads but cannot run fails here, not on a client's request.
    await warmUp(scorer).catch((error) => {
        const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        throw new ModelLoadError(`The model loaded but could not score a warm-up image: ${reason}`);
    });
    post({ type: 'ready', summary: scorer.summary, description: scorer.description });
}
catch (error) {
    post({ type: 'failed', error: serializeError(error) });
}
port.on('message', (message) => {
    if (message.type === 'close') {
        void (scorer?.close() ?? Promise.resolve()).finally(() => {
            post({ type: 'closed' });
            port.close();
        });
        return;
    }
    const active = scorer;
    if (!active)
        return post({ type: 'error', id: message.id, error: { name: 'ModelLoadError', message: 'The model is not loaded.' } });
    if (message.type === 'infer') {
        active.infer(message.request).then((result) => post({ type: 'inferred', id: message.id, result }), (error) => post({ type: 'error', id: message.id, error: serializeError(error) }));
        return;
    }
    active.scoreBatch(message.images).then((results) => post({ type: 'scored', id: message.id, results }), (error) => post({ type: 'error', id: message.id, error: serializeError(error) }));
});
