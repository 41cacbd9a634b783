// A problem with what a client sent (not a bug): carries the HTTP status to answer and a one-line message.
// Runtime stage, shared by the scoring and image-capture modules.
export class InputError extends Error {
    status;
    imageIndex;
    name = 'InputError';
    constructor(status, message, 
    /** Which image of a batch the problem is about, so the server can name the request field. */
    imageIndex) {
        super(message);
        this.status = status;
        this.imageIndex = imageIndex;
    }
}
export function isInputError(error) {
    return error instanceof InputError;
}
