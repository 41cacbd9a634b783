// Retry with exponential backoff and full jitter for Azure REST calls: 429 (honouring Retry-After), 408, 5xx, and
// connection resets / timeouts. Bounded by attempts and total time; clock, sleep and randomness are injectable
// so tests run without waiting. Apply stage (providers).
import type { RetryOptions } from './types.js';

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** What one attempt produced, as the classifier sees it. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface RetryVerdict {
  retry: boolean;
  /** Server-requested wait (Retry-After), in ms. */
  retryAfterMs?: number;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RetryRun<T> {
  classify(outcome: AttemptOutcome<T>): RetryVerdict;
  options?: RetryOptions;
  clock?: RetryClock;
  /** Called before each wait; for counting and debug logs (never gets a request body). */
  onRetry?(info: RetryInfo): void;
}

export const defaultRetryOptions: Required<RetryOptions> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalMs: 120_000,
  attemptTimeoutMs: 60_000,
};

/**
 * Runs `attempt` until the classifier says stop, attempts run out, or the next wait would pass maxTotalMs.
 * A final retryable *value* (e.g. a 503 response object) is returned as is; a final error is rethrown.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, run: RetryRun<T>): Promise<T> {
  const options = { ...defaultRetryOptions, ...definedOnly(run.options ?? {}) };
  const clock = run.clock ?? systemClock;
  const started = clock.now();
  for (let n = 1; ; n++) {
    let outcome: AttemptOutcome<T>;
    try {
      outcome = { ok: true, value: await attempt(n) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const verdict = run.classify(outcome);
    const delayMs = verdict.retry ? backoffDelay(n, verdict.retryAfterMs, options, clock) : 0;
    const outOfTime = clock.now() + delayMs - started > options.maxTotalMs;
    if (!verdict.retry || n >= options.maxAttempts || outOfTime) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    run.onRetry?.({ attempt: n, delayMs, reason: describeOutcome(outcome) });
    await clock.sleep(delayMs);
  }
}

/** Full jitter: a random delay in [0, base·2^(n-1)], capped; a server's Retry-After wins (also capped). */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  options: Required<RetryOptions>,
  clock: RetryClock,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(clock.random() * ceiling);
}

/**
 * Reads Azure's retry hints: `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds), then `Retry-After`
 * (seconds or an HTTP date). Returns ms, or undefined when there is no usable hint.
 */
export function parseRetryAfter(getHeader: (name: string) => string | undefined, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(getHeader(name));
    if (getHeader(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = getHeader('retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** HTTP statuses worth retrying: throttling, request timeout and server-side errors (not 501/505). */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Socket-level failures that say nothing about whether the server could handle the request. */
const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'REQUEST_SEND_ERROR',
  'UND_ERR_SOCKET',
  'AttemptTimeout',
]);

export function isTransientNetworkError(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (typeof e.code === 'string' && transientNetworkCodes.has(e.code)) return true;
    if (typeof e.message === 'string' && /socket hang up|ECONNRESET|timed? ?out/i.test(e.message)) return true;
  }
  return false;
}

/** Races a promise against a timer; the timer is cleared either way so it never keeps the process alive. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`No answer within ${ms} ms.`), { code: 'AttemptTimeout' })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeOutcome(outcome: AttemptOutcome<unknown>): string {
  if (outcome.ok) {
    const status = (outcome.value as { status?: number } | null)?.status;
    return status !== undefined ? `HTTP ${status}` : 'retryable result';
  }
  const e = outcome.error as { code?: unknown; statusCode?: unknown } | null;
  return String(e?.statusCode ?? e?.code ?? 'error');
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
