// The one error type of the apply stage: it carries a finished diagnostic from the apply catalogue, so commands
// print it without a stack. Provider errors become EML6101 diagnostics here. Apply stage.
import { catalogueDiagnostic, type DataOf, type Diagnostic } from '../diagnostics/types.js';
import { applyMessages, type ApplyMessageId } from '../diagnostics/codes/apply.js';
import { isProviderError } from '../providers/types.js';

export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** A diagnostic from the apply catalogue; ids are qualified as 'apply/<id>'. */
export function applyDiagnostic<K extends ApplyMessageId>(id: K, data: DataOf<(typeof applyMessages)[K]>): Diagnostic {
  return catalogueDiagnostic('apply', applyMessages, id, data);
}

export function applyError<K extends ApplyMessageId>(id: K, data: DataOf<(typeof applyMessages)[K]>): ApplyError {
  return new ApplyError(applyDiagnostic(id, data));
}

/** Any error from a step as a diagnostic: ApplyError as is, ProviderError as EML6101; others are bugs (rethrown). */
export function toDiagnostic(error: unknown): Diagnostic {
  if (error instanceof ApplyError) return error.diagnostic;
  if (isProviderError(error)) {
    return applyDiagnostic('providerFailed', {
      operation: error.operation,
      code: error.code,
      message: error.message,
      retryable: error.retryable,
    });
  }
  throw error;
}
