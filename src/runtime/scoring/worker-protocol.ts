// Messages between the scoring server's main thread and its inference workers (worker-pool.ts ↔ scoring-worker.ts).
// Runtime stage (scoring). Errors cross the thread boundary as plain data and are rebuilt on the main side.
import type { CreateScorerOptions, ModelSummary, ScoreResult } from './scorer.js';
import type { ScoringConfig } from './config.js';
import type { SessionDescription } from './model-metadata.js';
import type { TensorRequest, TensorResult } from './tensor-run.js';

export interface WorkerInit {
  config: ScoringConfig;
  options: Omit<CreateScorerOptions, 'log'>;
}

export interface SerializedError {
  name: string;
  message: string;
  /** Set for InputError: the HTTP status to answer. */
  status?: number;
  /** Set for InputError about one image of a batch. */
  imageIndex?: number;
}

export type ToWorker =
  | { type: 'score'; id: number; images: Uint8Array[] }
  | { type: 'infer'; id: number; request: TensorRequest }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; summary: ModelSummary; description: SessionDescription }
  | { type: 'failed'; error: SerializedError }
  | { type: 'log'; line: string }
  | { type: 'scored'; id: number; results: ScoreResult[] }
  | { type: 'inferred'; id: number; result: TensorResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'closed' };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const { status, imageIndex } = error as { status?: unknown; imageIndex?: unknown };
    return {
      name: error.name,
      message: error.message,
      ...(typeof status === 'number' ? { status } : {}),
      ...(typeof imageIndex === 'number' ? { imageIndex } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}
