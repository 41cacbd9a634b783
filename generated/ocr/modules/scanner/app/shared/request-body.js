import busboy from 'busboy';
import { InputError } from './input-error.js';
const MAX_PARTS = 32;
export function mediaType(req) {
    return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}
function tooLarge(limit) {
    return new InputError(413, `The request body is larger than the ${limit}-byte limit.`);
}
/** Rejects at once when Content-Length already exceeds the limit, before anything is read. */
export function checkDeclaredLength(req, limit) {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit)
        throw tooLarge(limit);
}
/**
 * Reads the whole body, failing with 413 as soon as it passes `limit` bytes. With a Content-Length the bytes are
 * copied once, into a buffer of that size that owns its whole ArrayBuffer (so it can be transferred to a worker
 * thread without another copy); without one (chunked), the chunks are joined at the end.
 */
export function readBody(req, limit) {
    checkDeclaredLength(req, limit);
    const declared = Number(req.headers['content-length']);
    let whole = Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafeSlow(declared) : undefined;
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        let failed = false;
        req.on('data', (chunk) => {
            if (failed)
                return;
            if (size + chunk.length > limit) {
                failed = true;
                chunks.length = 0;
                reject(tooLarge(limit));
                return;
            }
            // Node's HTTP parser delivers at most Content-Length bytes; should more ever come, fall back to joining chunks.
            if (whole && size + chunk.length > whole.length) {
                chunks.push(whole.subarray(0, size));
                whole = undefined;
            }
            if (whole)
                chunk.copy(whole, size);
            else
                chunks.push(chunk);
            size += chunk.length;
        });
        req.on('end', () => failed || resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks, size)));
        req.on('error', (error) => failed || ((failed = true), reject(new InputError(400, `The request body could not be read: ${error.message}`))));
    });
}
/** Parses multipart/form-data; file parts and plain fields both come back as parts, in request order. */
export function readMultipart(req, limit) {
    checkDeclaredLength(req, limit);
    return new Promise((resolve, reject) => {
        let parser;
        try {
            // latin1 keeps plain (non-file) field values byte-exact, so an image sent as a form field survives.
            parser = busboy({
                headers: req.headers,
                defCharset: 'latin1',
                limits: { fileSize: limit, fieldSize: limit, files: MAX_PARTS, fields: MAX_PARTS, parts: MAX_PARTS },
            });
        }
        catch (error) {
            return reject(new InputError(400, `Malformed multipart request: ${error.message}.`));
        }
        const parts = [];
        const pending = [];
        let total = 0;
        let failed = false;
        const fail = (error) => {
            if (failed)
                return;
            failed = true;
            req.unpipe(parser);
            req.resume(); // keep draining so the client can read our answer
            reject(error);
        };
        req.on('data', (chunk) => {
            total += chunk.length;
            if (total > limit)
                fail(tooLarge(limit));
        });
        parser.on('file', (field, stream, info) => {
            const chunks = [];
            pending.push(new Promise((done) => {
                stream.on('data', (c) => chunks.push(c));
                stream.on('limit', () => fail(tooLarge(limit)));
                stream.on('close', () => {
                    parts.push({ field, filename: info.filename, contentType: info.mimeType, data: Buffer.concat(chunks) });
                    done();
                });
            }));
        });
        parser.on('field', (field, value, info) => {
            parts.push({ field, contentType: info.mimeType, data: Buffer.from(value, 'latin1') });
        });
        parser.on('partsLimit', () => fail(new InputError(400, `Too many parts in the multipart request (at most ${MAX_PARTS}).`)));
        parser.on('filesLimit', () => fail(new InputError(400, `Too many files in the multipart request (at most ${MAX_PARTS}).`)));
        parser.on('fieldsLimit', () => fail(new InputError(400, `Too many fields in the multipart request (at most ${MAX_PARTS}).`)));
        parser.on('error', (error) => fail(new InputError(400, `Malformed multipart request: ${error.message}.`)));
        parser.on('close', () => {
            void Promise.all(pending).then(() => failed || resolve(parts));
        });
        req.on('error', (error) => fail(new InputError(400, `The request body could not be read: ${error.message}`)));
        req.pipe(parser);
    });
}
