// Rollout diagnostics as ApplyErrors, so apply's error handling prints them like every other apply problem.
import { catalogueDiagnostic, type DataOf, type Diagnostic } from '../diagnostics/types.js';
import { rolloutMessages, type RolloutMessageId } from '../diagnostics/codes/rollout.js';
import { ApplyError } from '../apply/errors.js';

export function rolloutDiagnostic<K extends RolloutMessageId>(id: K, data: DataOf<(typeof rolloutMessages)[K]>): Diagnostic {
  return catalogueDiagnostic('rollout', rolloutMessages, id, data);
}

export function rolloutError<K extends RolloutMessageId>(id: K, data: DataOf<(typeof rolloutMessages)[K]>): ApplyError {
  return new ApplyError(rolloutDiagnostic(id, data));
}
