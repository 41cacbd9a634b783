// Reads an HTTP request body into memory with a byte limit, and multipart/form-data bodies into named parts (busboy).
// Runtime stage, shared by modules that accept uploads. Errors are InputErrors with the status to answer.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { InputError } from './input-error.js';
import { accountBodyBytes, ByteBudgetError } from './byte-budget.js';

export interface BodyPart {
  field: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

// How long a request's body may make no progress before it is refused with 408 (set per request by the server, so
// every route reading through these functions is covered): a stalled upload then gives back its share of the byte
// budget instead of holding it until the whole-request timeout. As nginx's client_body_timeout.
const idleLimits = new WeakMap<IncomingMessage, number>();

export function setBodyIdleTimeout(req: IncomingMessage, ms: number): void {
  idleLimits.set(req, ms);
}

/** Calls onIdle when no body bytes arrive for the request's idle limit; touch() on every chunk, stop() when done. */
function idleWatch(req: IncomingMessage, onIdle: (error: InputError) => void): { touch(): void; stop(): void } {
  const ms = idleLimits.get(req);
  if (ms === undefined) return { touch: () => undefined, stop: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void =>
    onIdle(new InputError(408, `No request body bytes arrived for ${ms} ms; the upload was stalled and is refused.`));
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(fire, ms);
  };
  touch();
  return { touch, stop: () => clearTimeout(timer) };
}

/** Parts a multipart request may have when the caller gives no limit. */
export const DEFAULT_MAX_PARTS = 32;

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function tooLarge(limit: number): InputError {
  return new InputError(413, `The request body is larger than the ${limit}-byte limit.`);
}

/** Rejects at once when Content-Length already exceeds the limit, before anything is read. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/**
 * Reads the whole body, failing with 413 as soon as it passes `limit` bytes. With a Content-Length the bytes are
 * copied once, into a buffer of that size that owns its whole ArrayBuffer (so it can be transferred to a worker
 * thread without another copy); without one (chunked), the chunks are joined at the end.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  const declared = Number(req.headers['content-length']);
  let whole = Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafeSlow(declared) : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const idle = idleWatch(req, (error) => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      whole = undefined;
      reject(error);
    });
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      idle.touch();
      if (size + chunk.length > limit) {
        failed = true;
        idle.stop();
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      const refused = overBudget(req, size + chunk.length);
      if (refused) {
        failed = true;
        idle.stop();
        chunks.length = 0;
        whole = undefined;
        reject(refused);
        return;
      }
      // Node's HTTP parser delivers at most Content-Length bytes; should more ever come, fall back to joining chunks.
      if (whole && size + chunk.length > whole.length) {
        chunks.push(whole.subarray(0, size));
        whole = undefined;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      idle.stop();
      if (!failed) resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      idle.stop();
      if (!failed) (failed = true), reject(new InputError(400, `The request body could not be read: ${error.message}`));
    });
  });
}

/** The request's share of the global byte budget cannot cover `total` bytes: the error to answer, else undefined. */
function overBudget(req: IncomingMessage, total: number): ByteBudgetError | undefined {
  try {
    accountBodyBytes(req, total);
    return undefined;
  } catch (error) {
    if (error instanceof ByteBudgetError) return error;
    throw error;
  }
}

/**
 * Parses multipart/form-data; file parts and plain fields both come back as parts, in request order. At most
 * `maxParts` parts (files and fields together) are accepted; one more fails with 413.
 */
export function readMultipart(req: IncomingMessage, limit: number, maxParts = DEFAULT_MAX_PARTS): Promise<BodyPart[]> {
  checkDeclaredLength(req, limit);
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // latin1 keeps plain (non-file) field values byte-exact, so an image sent as a form field survives.
      parser = busboy({
        headers: req.headers,
        defCharset: 'latin1',
        // busboy reports 'partsLimit' once the limit is reached (after the last allowed part), but 'filesLimit' and
        // 'fieldsLimit' only when one more arrives: parts gets one extra so that exactly maxParts parts pass.
        limits: { fileSize: limit, fieldSize: limit, files: maxParts, fields: maxParts, parts: maxParts + 1 },
      });
    } catch (error) {
      return reject(new InputError(400, `Malformed multipart request: ${(error as Error).message}.`));
    }
    const parts: BodyPart[] = [];
    const pending: Promise<void>[] = [];
    let total = 0;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      idle.stop();
      req.unpipe(parser);
      req.resume(); // keep draining so the client can read our answer
      reject(error);
    };
    const idle = idleWatch(req, fail);
    req.once('end', () => idle.stop());
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      idle.touch();
      total += chunk.length;
      if (total > limit) return fail(tooLarge(limit));
      const refused = overBudget(req, total);
      if (refused) fail(refused);
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      pending.push(
        new Promise((done) => {
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('limit', () => fail(tooLarge(limit)));
          stream.on('close', () => {
            parts.push({ field, filename: info.filename, contentType: info.mimeType, data: Buffer.concat(chunks) });
            done();
          });
        }),
      );
    });
    parser.on('field', (field, value, info) => {
      parts.push({ field, contentType: info.mimeType, data: Buffer.from(value, 'latin1') });
    });
    const tooMany = (): void =>
      fail(new InputError(413, `Too many parts in the multipart request: at most ${maxParts} images or fields are accepted per request.`));
    parser.on('partsLimit', tooMany);
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('error', (error: Error) => fail(new InputError(400, `Malformed multipart request: ${error.message}.`)));
    parser.on('close', () => {
      void Promise.all(pending).then(() => failed || resolve(parts));
    });
    req.on('error', (error) => fail(new InputError(400, `The request body could not be read: ${error.message}`)));
    req.pipe(parser);
  });
}
