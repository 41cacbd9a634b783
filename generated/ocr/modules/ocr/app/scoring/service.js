// Starts the scoring service from a config file: validate the config, listen at once (so /healthz can answer 503
// while loading), load the model into worker threads, and close gracefully on SIGTERM / SIGINT. Runtime stage (scoring), used by main.ts.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { validateScoringConfig } from './config.js';
import { createWorkerScorer } from './worker-pool.js';
export class StartupError extends Error {
    name = 'StartupError';
}
export async function readScoringConfig(path) {
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (error) {
        throw new StartupError(`Cannot read scoring config '${path}': ${error.code ?? error.message}.`);
    }
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (error) {
        throw new StartupError(`Scoring config '${path}' is not valid JSON: ${error.message}.`);
    }
    return validateScoringConfig(json);
}
export async function startScoringService(configPath, log, portOverride, host) {
    const config = await readScoringConfig(configPath);
    const started = performance.now();
    // The model starts loading in its worker thread first; this thread loads the HTTP code and listens meanwhile
    // (until then /healthz answers nothing, then 503 until the worker has scored its warm-up image).
    const scoring = createWorkerScorer(config, { baseDir: dirname(resolve(configPath)), log });
    scoring.catch(() => undefined); // handled below, once the server exists
    let server;
    let port;
    try {
        const { createScoringServer } = await import('./server.js');
        server = createScoringServer(config, { log });
        port = await server.listen(portOverride ?? config.server.port, host);
    }
    catch (error) {
        void scoring.then((scorer) => scorer.close(), () => undefined);
        throw error;
    }
    log(`${config.name}: listening on port ${port} (${config.server.apis.join(', ')}); loading model ${config.model.path}`);
    let stopping;
    // Inference runs in worker threads (one session per allowed concurrent run) so this thread stays responsive.
    const loaded = scoring.then(async (scorer) => {
        // A stop that came while the model was loading: release it at once instead of serving.
        if (stopping)
            return scorer.close();
        server.setScorer(scorer);
        const s = scorer.summary;
        log(`${config.name}: model ready in ${Math.round(performance.now() - started)} ms on ${s.provider}: input ${s.input.name} ${s.input.layout} ${s.input.width}x${s.input.height} ${s.input.elementType}, outputs ${s.outputs.join(', ')}`);
    }, (error) => {
        server.setLoadError(error);
        log(`${config.name}: ${error.message}`);
    });
    // Stopping does not wait for a model still loading (a container stop grants only seconds).
    const stop = () => (stopping ??= server.close());
    return { server, port, loaded, stop };
}
