/** The model is not loaded (yet): 503 with Retry-After. */
export class NotReady extends Error {
}
/**
 * A client-facing failure with a status outside InputError's set (403 refused, 502/504 upstream fetch failures,
 * 400/404 of a protocol) and an optional error code.
 */
export class HttpError extends Error {
    status;
    code;
    name = 'HttpError';
    constructor(status, message, code = 'bad-request') {
        super(message);
        this.status = status;
        this.code = code;
    }
}
export const isRawBody = (body) => typeof body === 'object' && body !== null && 'raw' in body;
export const round = (ms) => Math.round(ms * 1000) / 1000;
