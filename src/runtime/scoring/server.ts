// The scoring HTTP server (node:http): GET /healthz, and the routes of each configured API (api-*.ts: edgeml
// /predict, the seed's Azure ML /score, Custom Vision /image and /url, the Open Inference Protocol /v2); bounded
// concurrency and queue, JSON errors, one log line per request, graceful close. Runtime stage (scoring); main.ts
// starts it, tests start it in-process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serverLimits, type ScoringApi, type ScoringConfig } from './config.js';
import { checkDecodeBudget } from './decode-budget.js';
import type { ScoreResult, Scorer } from './scorer.js';
import { HttpError, isRawBody, NotReady, type Answer, type ApiContext, type ErrorShape, type Route } from './api.js';
import { azureMlRoutes } from './api-azureml.js';
import { customVisionRoutes } from './api-customvision.js';
import { edgemlRoutes } from './api-edgeml.js';
import { v2Routes } from './api-v2.js';
import { InputError, isInputError } from '../shared/input-error.js';
import { BusyError, createLimiter, QueueFullError } from '../shared/limiter.js';
import { attachReservation, ByteBudgetError, createByteBudget, type Reservation } from '../shared/byte-budget.js';
import { lingerAfterAnswer } from '../shared/linger.js';
import { setBodyIdleTimeout } from '../shared/request-body.js';

export interface ScoringServerOptions {
  /** One line per request and per lifecycle event; default: none. */
  log?: (line: string) => void;
  /** Seconds a client is told to wait after a 503 (Retry-After). */
  retryAfterSeconds?: number;
}

export interface ScoringServer {
  readonly server: Server;
  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  listen(port?: number, host?: string): Promise<number>;
  /** Serves requests with this scorer from now on (/healthz turns 200). */
  setScorer(scorer: Scorer): void;
  /** Records that the model could not load (/healthz answers 503 with the reason). */
  setLoadError(error: Error): void;
  /** Stops accepting, lets running requests finish (up to graceMs), then releases the model. */
  close(graceMs?: number): Promise<void>;
}

/** Each API's routes, in the order they are matched. */
const API_ROUTES: Record<ScoringApi, (ctx: ApiContext) => Route[]> = {
  edgeml: edgemlRoutes,
  azureml: azureMlRoutes,
  customvision: customVisionRoutes,
  v2: v2Routes,
};

export function createScoringServer(config: ScoringConfig, options: ScoringServerOptions = {}): ScoringServer {
  const log = options.log ?? (() => undefined);
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const limiter = createLimiter(config.server.concurrency, config.server.queueLimit);
  const limit = config.server.maxBodyBytes;
  const limits = serverLimits(config.server);
  // Bytes of request bodies held across all connections, each upload from its first byte (README "Limits").
  const bodyBudget = createByteBudget(limits.bytesInFlight);
  let scorer: Scorer | undefined;
  let loadError: Error | undefined;
  let closing = false;
  // Requests accepted and not yet answered: close() waits for these, not only for running model calls.
  let inFlight = 0;
  let onDrained: (() => void) | undefined;

  const busy = (message: string): Answer => ({
    status: 503,
    body: { error: { code: 'busy', message } },
    headers: { 'retry-after': retryAfter },
  });

  const readyScorer = (): Scorer => {
    if (scorer) return scorer;
    throw new NotReady(loadError ? `The model failed to load: ${loadError.message}` : 'The model is still loading; retry shortly.');
  };

  /** Rejects early when full, reads the images, then scores them inside the limiter. */
  const scoreImages: ApiContext['scoreImages'] = async (req, read): Promise<{ fields: string[]; results: ScoreResult[] }> => {
    const active = readyScorer();
    if (limiter.isFull()) throw new QueueFullError();
    const images = await read(req);
    try {
      // Refused from the headers before the request takes a slot: decode bombs and forged sizes never queue.
      checkDecodeBudget(
        images.map((i) => i.data),
        limits.decodeBytes,
      );
      // The bytes were read for this request alone: a worker scorer may take them over instead of copying.
      const results = await limiter.run(
        () =>
          active.scoreBatch(
            images.map((i) => i.data),
            { transfer: true },
          ),
        { deadlineMs: limits.processingTimeoutMs },
      );
      return { fields: images.map((i) => i.field), results };
    } catch (error) {
      // With several images, say which request field was the bad one.
      if (isInputError(error) && images.length > 1 && error.imageIndex !== undefined) {
        throw new InputError(error.status, `Field '${images[error.imageIndex]?.field}': ${error.message}`);
      }
      throw error;
    }
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/healthz$/,
      handler: async () => {
        if (!scorer)
          return {
            status: 503,
            body: { status: loadError ? 'failed' : 'loading', ...(loadError ? { error: loadError.message } : {}) },
            headers: { 'retry-after': retryAfter },
          };
        return { status: 200, body: { status: 'ready', model: scorer.summary, active: limiter.active, waiting: limiter.waiting } };
      },
    },
  ];
  const context: ApiContext = { config, log, limiter, readyScorer, scoreImages };
  for (const api of config.server.apis) routes.push(...API_ROUTES[api](context));

  const handle = async (req: IncomingMessage): Promise<Answer> => {
    const path = (req.url ?? '/').split('?')[0]!;
    const matching = routes.filter((r) => r.path.test(path));
    if (matching.length === 0) return errorAnswer(new InputError(404, `No such endpoint '${path.slice(0, 200)}'.`));
    const shape = matching[0]!.errorShape ?? defaultErrorShape;
    const route = matching.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    if (!route) {
      const allowed = [...new Set(matching.map((r) => r.method))].join(', ');
      return { ...errorAnswer(new InputError(405, `Use ${allowed} for '${path.slice(0, 200)}'.`), shape), headers: { allow: allowed } };
    }
    if (closing && route.method === 'POST')
      return { ...busy('The server is shutting down.'), body: shape(503, 'busy', 'The server is shutting down.') };
    try {
      return await route.handler(req, route.path.exec(path)!);
    } catch (error) {
      if (error instanceof BusyError) return { ...busy(error.message), body: shape(503, 'busy', error.message) };
      if (error instanceof NotReady)
        return { status: 503, body: shape(503, 'not-ready', error.message), headers: { 'retry-after': retryAfter } };
      if (isInputError(error)) return errorAnswer(error, shape);
      if (error instanceof HttpError) return { status: error.status, body: shape(error.status, error.code, error.message) };
      log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { status: 500, body: shape(500, 'internal', 'Scoring failed because of an internal error; see the module log.') };
    }
  };

  /** The body's share of the byte budget, taken as the headers arrive: the declared length at once, else chunk by chunk. */
  const reserveBody = (req: IncomingMessage): Reservation | undefined => {
    const declared = Number(req.headers['content-length']);
    // Over the size limit: reserve nothing, the handler answers 413 without reading.
    const bytes = Number.isSafeInteger(declared) && declared > 0 && declared <= limit ? declared : 0;
    const reservation = bodyBudget.reserve(bytes);
    if (reservation) attachReservation(req, bodyBudget, reservation);
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
      .catch((error: unknown) => {
        log(`error: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) onDrained?.();
      });
  });
  // Refuse requests slower than this (Node answers 408 and closes), so slow clients cannot pin connections forever.
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = Math.min(30_000, limits.requestTimeoutMs);

  return {
    server,
    listen(port = config.server.port, host?: string) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onDrained = resolve));
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
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

const defaultErrorShape: ErrorShape = (_status, code, message) => ({ error: { code, message } });

function errorAnswer(error: InputError, shape: ErrorShape = defaultErrorShape): Answer {
  return { status: error.status, body: shape(error.status, codeFor[error.status] ?? 'bad-request', error.message) };
}

const codeFor: Record<number, string> = {
  400: 'bad-request',
  404: 'not-found',
  405: 'method-not-allowed',
  408: 'request-timeout',
  413: 'too-large',
  415: 'unsupported-media-type',
};

function send(
  req: IncomingMessage,
  res: ServerResponse,
  answer: Answer,
  started: number,
  log: (line: string) => void,
  closing: boolean,
): void {
  const inference = answer.inferenceMs ?? 0;
  const totalMs = performance.now() - started;
  // Every answer carries its timing, errors included.
  const raw = isRawBody(answer.body) ? answer.body : undefined;
  const timed =
    !raw && isPlainObject(answer.body) && !('timings' in answer.body)
      ? { ...answer.body, timings: { inferenceMs: inference, totalMs: round(totalMs) } }
      : answer.body;
  const body = raw ? raw.raw : JSON.stringify(timed);
  // Answered before the whole body was read (e.g. 413): the rest is drained below and the connection not reused.
  const unread = !req.complete;
  res.writeHead(answer.status, {
    ...(unread || closing ? { connection: 'close' } : {}),
    'content-type': raw ? (raw.contentType ?? 'application/octet-stream') : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-inference-ms': inference.toFixed(3),
    'x-total-ms': totalMs.toFixed(3),
    ...answer.headers,
  });
  if (unread) lingerAfterAnswer(req);
  res.end(req.method === 'HEAD' ? undefined : body);
  // The query string is left out of the log: clients sometimes put keys there.
  const path = (req.url ?? '').split('?')[0]!.slice(0, 200);
  log(`${new Date().toISOString()} ${req.method} ${path} ${answer.status} ${totalMs.toFixed(1)}ms inference=${inference.toFixed(1)}ms`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const round = (ms: number): number => Math.round(ms * 1000) / 1000;
