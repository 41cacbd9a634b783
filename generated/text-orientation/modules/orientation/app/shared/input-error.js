// A problem with what a client sent (not a bug): carries the HTTP status to answer and a one-line message.
// Runtime stage, shared by the scoring and image-capture modules.
export class InputError extends Error {
    status;
    name = 'InputError';
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
export function isInputError(error) {
    return error instanceof InputError;
}
