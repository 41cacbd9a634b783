// Downloads a `model.source.url` model over HTTPS into the model cache: redirects bounded, size limited, sha256
// computed while streaming; the file is moved into the cache only when its hash matches the spec. Model stage.
// URLs are shown without query strings in every message, since a query may carry a token.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { isRetryableStatus, isTransientNetworkError, withRetry, type RetryClock } from '../providers/retry.js';
import type { RetryOptions } from '../providers/types.js';
import { commitCacheEntry, discardTemp, tempPathFor, type CacheLocation, type CacheRecord } from './cache.js';

export type ModelFetchErrorKind = 'not-https' | 'http' | 'redirects' | 'too-large' | 'hash-mismatch' | 'network' | 'size-mismatch';

/** A failed model download, with a one-line message that never contains a query string or secret. */
export class ModelFetchError extends Error {
  override readonly name = 'ModelFetchError';
  constructor(
    readonly kind: ModelFetchErrorKind,
    message: string,
    readonly details: { expected?: string; actual?: string; status?: number; retryable?: boolean } = {},
  ) {
    super(message);
  }
}

export interface UrlFetchOptions {
  /** Largest accepted model in bytes. Default 2 GiB. */
  maxBytes?: number;
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number;
  /** No data for this long aborts the attempt. Default 60 s. */
  idleTimeoutMs?: number;
  retry?: RetryOptions;
  clock?: RetryClock;
  /** Called once per HTTP request made (for tests and request counting). */
  onRequest?: (url: string) => void;
}

export const DEFAULT_MAX_MODEL_BYTES = 2 * 1024 ** 3;

/** The URL as it may be shown: scheme, host, port and path only. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Downloads `url` into `location.file`, checking its sha256 against `expectedSha256`. Retries dropped connections
 * and 429/5xx answers; a hash mismatch is never retried (the server gave the wrong file).
 */
export async function fetchUrlModel(
  url: string,
  expectedSha256: string,
  location: CacheLocation,
  options: UrlFetchOptions = {},
): Promise<CacheRecord> {
  if (new URL(url).protocol !== 'https:')
    throw new ModelFetchError('not-https', `The model URL ${displayUrl(url)} is not HTTPS; only HTTPS downloads are allowed.`);
  const expected = expectedSha256.toLowerCase();
  const temp = await tempPathFor(location.file);
  try {
    const { size, sha256 } = await withRetry(() => downloadOnce(url, temp, options), {
      options: { maxAttempts: 4, baseDelayMs: 300, ...options.retry },
      clock: options.clock,
      classify: (outcome) => ({
        retry: !outcome.ok && outcome.error instanceof ModelFetchError && outcome.error.details.retryable === true,
      }),
    });
    if (sha256 !== expected) {
      throw new ModelFetchError(
        'hash-mismatch',
        `The model downloaded from ${displayUrl(url)} has sha256 ${sha256}, but the spec expects ${expected}; it was not cached.`,
        { expected, actual: sha256 },
      );
    }
    const record: CacheRecord = {
      kind: 'url',
      file: location.file
        .slice(location.dir.length + 1)
        .split('\\')
        .join('/'),
      sizeBytes: size,
      sha256,
      downloadedAt: new Date().toISOString(),
      origin: displayUrl(url),
    };
    await commitCacheEntry(location, temp, record);
    return record;
  } finally {
    await discardTemp(temp);
  }
}

async function downloadOnce(url: string, temp: string, options: UrlFetchOptions): Promise<{ size: number; sha256: string }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  const response = await openFollowingRedirects(url, options);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new ModelFetchError('too-large', `The model at ${displayUrl(url)} is ${declared} bytes, more than the limit of ${maxBytes}.`);
  }
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes)
        return callback(new ModelFetchError('too-large', `The model at ${displayUrl(url)} is larger than the limit of ${maxBytes} bytes.`));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response, meter, createWriteStream(temp));
  } catch (error) {
    if (error instanceof ModelFetchError) throw error;
    throw new ModelFetchError('network', `The download from ${displayUrl(url)} broke off: ${networkReason(error)}.`, { retryable: true });
  }
  if (Number.isFinite(declared) && declared !== size) {
    throw new ModelFetchError('size-mismatch', `The download from ${displayUrl(url)} ended after ${size} of ${declared} bytes.`, {
      retryable: true,
    });
  }
  return { size, sha256: hash.digest('hex') };
}

async function openFollowingRedirects(url: string, options: UrlFetchOptions): Promise<IncomingMessage> {
  const maxRedirects = options.maxRedirects ?? 5;
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await request(current, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= maxRedirects)
        throw new ModelFetchError('redirects', `The model URL ${displayUrl(url)} redirected more than ${maxRedirects} times.`);
      const next = new URL(response.headers.location, current);
      // A redirect to plain HTTP would drop the integrity of the transport (the hash still guards the bytes).
      if (next.protocol !== 'https:')
        throw new ModelFetchError(
          'not-https',
          `The model URL ${displayUrl(url)} redirected to a non-HTTPS address (${displayUrl(next.href)}).`,
        );
      current = next.href;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new ModelFetchError('http', `The model URL ${displayUrl(current)} answered HTTP ${status}.`, {
        status,
        retryable: isRetryableStatus(status),
      });
    }
    return response;
  }
}

function request(url: string, options: UrlFetchOptions): Promise<IncomingMessage> {
  options.onRequest?.(displayUrl(url));
  return new Promise((resolvePromise, reject) => {
    const req = https.get(url, { headers: { accept: '*/*', 'user-agent': 'edgeml' } }, resolvePromise);
    // The socket's idle timeout also covers the body: a stalled download is aborted, not waited on forever.
    req.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
      req.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (error) =>
      reject(
        new ModelFetchError('network', `The model URL ${displayUrl(url)} could not be reached: ${networkReason(error)}.`, {
          retryable: isTransientNetworkError(error),
        }),
      ),
    );
  });
}

function networkReason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? (e?.message ?? String(error)).split('\n')[0]!.replace(/\?\S*/g, '');
}
