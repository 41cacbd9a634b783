// Loads the ONNX model once with the configured execution providers (CUDA first, falling back to CPU when CUDA
// cannot start) and keeps the session for every request. Runtime stage (scoring).
import type { InferenceSession } from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import type { ExecutionProvider } from './config.js';

export interface LoadedSession {
  session: InferenceSession;
  /** The provider actually in use. */
  provider: ExecutionProvider;
  /** Why a preferred provider was skipped, for the start-up log. */
  fallbackReason?: string;
}

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/**
 * Threads one model run may use: the cores shared out among the runs allowed at once, so concurrent runs do not
 * oversubscribe the CPU (their spinning thread pools would otherwise fight each other and the HTTP work).
 */
export function intraOpThreadsFor(concurrency: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, concurrency)));
}

/** Loads a model from a file path, or from bytes already in memory (then `name` labels it in messages). */
export async function loadSession(
  model: string | Uint8Array,
  providers: readonly ExecutionProvider[],
  intraOpThreads?: number,
  name?: string,
): Promise<LoadedSession> {
  const modelPath = typeof model === 'string' ? model : (name ?? 'model bytes');
  const ort = await import('onnxruntime-node');
  // A missing CUDA library is expected on CPU-only hosts: our one-line note replaces onnxruntime's multi-line error
  // dump. Real failures still arrive as exceptions. (Takes effect only before the first session of the process.)
  if (providers.some((p) => p !== 'cpu')) ort.env.logLevel = 'fatal';
  let fallbackReason: string | undefined;
  for (const provider of providers) {
    try {
      const options: InferenceSession.SessionOptions = {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(intraOpThreads ? { intraOpNumThreads: intraOpThreads } : {}),
      };
      const session =
        typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      return { session, provider, ...(fallbackReason ? { fallbackReason } : {}) };
    } catch (error) {
      const message = firstLine(error);
      // A broken model fails the same way on every provider: report it instead of trying the next one.
      if (provider === 'cpu' || /Load model|Protobuf|doesn't exist|No such file|INVALID_GRAPH|INVALID_PROTOBUF/i.test(message)) {
        throw new ModelLoadError(`Cannot load model '${modelPath}': ${message}`);
      }
      fallbackReason = `${provider} provider unavailable (${message})`;
    }
  }
  throw new ModelLoadError(`Cannot load model '${modelPath}': no execution provider could start (${fallbackReason ?? 'none configured'}).`);
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
