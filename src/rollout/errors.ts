// Rollout diagnostics as ApplyErrors, so apply's error handling prints them like every other apply problem.
import type { DataOf, Diagnostic } from '../diagnostics/types.js';
import { rolloutMessages, type RolloutMessageId } from '../diagnostics/codes/rollout.js';
import { ApplyError } from '../apply/errors.js';

export function rolloutDiagnostic<K extends RolloutMessageId>(id: K, data: DataOf<(typeof rolloutMessages)[K]>): Diagnostic {
  // Widened once here so the message functions of every id can be called with this id's data.
  const def = rolloutMessages[id] as {
    code: Diagnostic['code'];
    category: Diagnostic['category'];
    text: (d: unknown) => string;
    hint?: (d: unknown) => string;
  };
  const diagnostic: Diagnostic = { code: def.code, id: `rollout/${id}`, category: def.category, message: def.text(data) };
  const hint = def.hint?.(data);
  if (hint) diagnostic.hint = hint;
  return diagnostic;
}

export function rolloutError<K extends RolloutMessageId>(id: K, data: DataOf<(typeof rolloutMessages)[K]>): ApplyError {
  return new ApplyError(rolloutDiagnostic(id, data));
}
