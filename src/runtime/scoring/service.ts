// Starts the scoring service from a config file: validate the config, listen at once (so /healthz can answer 503
// while loading), load the model into worker threads, and close gracefully on SIGTERM / SIGINT. Runtime stage (scoring), used by main.ts.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { validateScoringConfig, type ScoringConfig } from './config.js';
import { createWorkerScorer } from './worker-pool.js';
import type { ScoringServer } from './server.js';

export class StartupError extends Error {
  override name = 'StartupError';
}

export async function readScoringConfig(path: string): Promise<ScoringConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read scoring config '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`Scoring config '${path}' is not valid JSON: ${(error as Error).message}.`);
  }
  return validateScoringConfig(json);
}

export interface RunningService {
  server: ScoringServer;
  port: number;
  /** Settles when the model is loaded (or failed to load; the server keeps answering 503 then). */
  loaded: Promise<void>;
  stop(): Promise<void>;
}

export async function startScoringService(
  configPath: string,
  log: (line: string) => void,
  portOverride?: number,
  host?: string,
): Promise<RunningService> {
  const config = await readScoringConfig(configPath);
  const started = performance.now();
  // The model starts loading in its worker thread first; this thread loads the HTTP code and listens meanwhile
  // (until then /healthz answers nothing, then 503 until the worker has scored its warm-up image).
  const scoring = createWorkerScorer(config, { baseDir: dirname(resolve(configPath)), log });
  scoring.catch(() => undefined); // handled below, once the server exists
  let server: ScoringServer;
  let port: number;
  try {
    const { createScoringServer } = await import('./server.js');
    server = createScoringServer(config, { log });
    port = await server.listen(portOverride ?? config.server.port, host);
  } catch (error) {
    void scoring.then(
      (scorer) => scorer.close(),
      () => undefined,
    );
    throw error;
  }
  log(`${config.name}: listening on port ${port} (${config.server.apis.join(', ')}); loading model ${config.model.path}`);
  let stopping: Promise<void> | undefined;
  // Inference runs in worker threads (one session per allowed concurrent run) so this thread stays responsive.
  const loaded = scoring.then(
    async (scorer) => {
      // A stop that came while the model was loading: release it at once instead of serving.
      if (stopping) return scorer.close();
      server.setScorer(scorer);
      const s = scorer.summary;
      log(
        `${config.name}: model ready in ${Math.round(performance.now() - started)} ms on ${s.provider}: input ${s.input.name} ${s.input.layout} ${s.input.width}x${s.input.height} ${s.input.elementType}, outputs ${s.outputs.join(', ')}`,
      );
    },
    (error: Error) => {
      server.setLoadError(error);
      log(`${config.name}: ${error.message}`);
    },
  );
  // Stopping does not wait for a model still loading (a container stop grants only seconds).
  const stop = (): Promise<void> => (stopping ??= server.close());
  return { server, port, loaded, stop };
}
