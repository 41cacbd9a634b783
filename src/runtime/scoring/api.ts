// What every HTTP API of the scoring server shares: the route and answer shapes server.ts dispatches, the context an
// API's routes are built from, and an error that carries any HTTP status. Each API lives in its own api-*.ts file.
// Runtime stage (scoring).
import type { IncomingMessage } from 'node:http';
import type { ScoringApi, ScoringConfig } from './config.js';
import type { ScoreResult, Scorer } from './scorer.js';
import type { Limiter } from '../shared/limiter.js';

/** A body sent as it is (not JSON): a banner, an empty health answer, binary tensors. */
export interface RawBody {
  raw: Buffer | string;
  contentType?: string;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  inferenceMs?: number;
}

export type Handler = (req: IncomingMessage, match: RegExpExecArray) => Promise<Answer>;

/** How a route's API writes an error body (the default is `{error: {code, message}}`). */
export type ErrorShape = (status: number, code: string, message: string) => unknown;

export interface Route {
  method: 'GET' | 'POST' | 'HEAD';
  path: RegExp;
  /** The API this route belongs to; absent for routes always served. */
  api?: ScoringApi;
  handler: Handler;
  errorShape?: ErrorShape;
}

/** An image read from a request, with the request field it came from. */
export interface RequestImage {
  field: string;
  data: Buffer;
}

export interface ApiContext {
  config: ScoringConfig;
  log: (line: string) => void;
  /** The scorer, or NotReady while the model loads (or failed to load). */
  readyScorer(): Scorer;
  limiter: Limiter;
  /** Refuses early when the queue is full, reads the images, scores them inside the limiter. */
  scoreImages(
    req: IncomingMessage,
    read: (req: IncomingMessage) => Promise<RequestImage[]>,
  ): Promise<{ fields: string[]; results: ScoreResult[] }>;
}

/** The model is not loaded (yet): 503 with Retry-After. */
export class NotReady extends Error {}

/**
 * A client-facing failure with a status outside InputError's set (403 refused, 502/504 upstream fetch failures,
 * 400/404 of a protocol) and an optional error code.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'bad-request',
  ) {
    super(message);
  }
}

export const isRawBody = (body: unknown): body is RawBody => typeof body === 'object' && body !== null && 'raw' in body;

export const round = (ms: number): number => Math.round(ms * 1000) / 1000;
