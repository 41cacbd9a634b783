// POSTs frames to the scoring module (application/octet-stream to its /image endpoint) over one keep-alive
// connection, with a per-request timeout and bounded retries with exponential backoff. Runtime stage (capture).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ScoringClientConfig } from './config.js';

export interface ScoringAnswer {
  /** The scoring module's JSON answer, forwarded as the message body. */
  json: unknown;
  /** Raw answer text, so the message body is exactly what the scorer sent. */
  text: string;
  attempts: number;
  ms: number;
}

/** The scorer answered, but refused the frame (4xx): retrying the same bytes cannot help. */
export class ScoringRejectedError extends Error {
  override name = 'ScoringRejectedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every attempt failed (unreachable, timed out, 5xx). */
export class ScoringUnavailableError extends Error {
  override name = 'ScoringUnavailableError';
}

export interface ScoringClient {
  score(image: Uint8Array, signal?: AbortSignal): Promise<ScoringAnswer>;
  close(): void;
}

interface Reply {
  status: number;
  text: string;
  retryAfterMs?: number;
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export function createScoringClient(config: ScoringClientConfig, sleep = defaultSleep): ScoringClient {
  const url = new URL(config.url);
  const https = url.protocol === 'https:';
  // One socket: frames are sent one at a time, and reusing it saves a TCP handshake per frame.
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const send = https ? httpsRequest : httpRequest;

  const attempt = (body: Uint8Array, signal?: AbortSignal): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          agent,
          signal,
          headers: { 'content-type': 'application/octet-stream', 'content-length': body.byteLength, accept: 'application/json' },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) return void req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
            chunks.push(chunk);
          });
          res.on('end', () => {
            const retryAfter = Number(res.headers['retry-after']);
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
            });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(config.timeoutMs, () => req.destroy(new Error(`no answer within ${config.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  return {
    async score(image, signal) {
      const started = performance.now();
      let lastProblem = '';
      for (let n = 0; n <= config.retries; n++) {
        if (n > 0) {
          await sleep(config.backoffMs * 2 ** (n - 1), signal);
        }
        if (signal?.aborted) break;
        let reply: Reply;
        try {
          reply = await attempt(image, signal);
        } catch (error) {
          lastProblem = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          continue;
        }
        if (reply.status >= 200 && reply.status < 300) {
          let json: unknown;
          try {
            json = JSON.parse(reply.text);
          } catch {
            throw new ScoringRejectedError(reply.status, `The scoring module answered ${reply.status} with text that is not JSON.`);
          }
          return { json, text: reply.text, attempts: n + 1, ms: performance.now() - started };
        }
        const message = errorMessageOf(reply.text) ?? `HTTP ${reply.status}`;
        if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) {
          throw new ScoringRejectedError(reply.status, `The scoring module refused the frame (${reply.status}): ${message}`);
        }
        lastProblem = `${reply.status} ${message}`;
        if (reply.retryAfterMs !== undefined && n < config.retries) await sleep(Math.min(reply.retryAfterMs, 5000), signal);
      }
      throw new ScoringUnavailableError(
        `Scoring at ${url.origin}${url.pathname} failed after ${config.retries + 1} attempt(s): ${lastProblem || 'stopped'}.`,
      );
    },
    close() {
      agent.destroy();
    },
  };
}

/** The scoring server answers errors as {"error": {"message": ...}}; other servers may send plain text. */
function errorMessageOf(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: fall through to the text itself
  }
  const trimmed = text.trim().slice(0, 200);
  return trimmed || undefined;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
