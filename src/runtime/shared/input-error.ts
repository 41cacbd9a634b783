// A problem with what a client sent (not a bug): carries the HTTP status to answer and a one-line message.
// Runtime stage, shared by the scoring and image-capture modules.

export type InputErrorStatus = 400 | 404 | 405 | 408 | 413 | 415;

export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly status: InputErrorStatus,
    message: string,
    /** Which image of a batch the problem is about, so the server can name the request field. */
    readonly imageIndex?: number,
  ) {
    super(message);
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
