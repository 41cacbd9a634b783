// Replaces the Azure SDK pipeline's built-in retry with edgeml's retry policy (providers/retry.ts) and counts
// every attempt, including long-running-operation polls, in RequestStats. Apply stage (providers).
import { defaultRetryOptions, isRetryableStatus, isTransientNetworkError, parseRetryAfter, withRetry, type RetryClock } from '../retry.js';
import type { RequestStats, RetryOptions } from '../types.js';

// Structural types of @azure/core-rest-pipeline, so this file needs no import of a transitive dependency.
interface PipelineRequestLike {
  method: string;
  url: string;
  /** ms; 0 means none. The SDK's HTTP client aborts the request when it passes. */
  timeout: number;
  abortSignal?: { aborted: boolean };
}
interface PipelineResponseLike {
  status: number;
  headers: { get(name: string): string | undefined };
}
type SendRequest = (request: PipelineRequestLike) => Promise<PipelineResponseLike>;
interface PolicyLike {
  name: string;
  sendRequest(request: PipelineRequestLike, next: SendRequest): Promise<PipelineResponseLike>;
}
export interface PipelineLike {
  addPolicy(policy: PolicyLike, options?: { phase?: 'Serialize' | 'Deserialize' | 'Retry' | 'Sign'; afterPhase?: 'Retry' }): void;
  removePolicy(options: { name?: string; phase?: 'Retry' }): unknown;
}

export interface PipelineSettings {
  stats: RequestStats;
  retry?: RetryOptions;
  clock?: RetryClock;
}

export function installRetryAndCounting(pipeline: PipelineLike, settings: PipelineSettings): void {
  pipeline.removePolicy({ phase: 'Retry' });
  pipeline.addPolicy(createRetryPolicy(settings), { phase: 'Retry' });
  pipeline.addPolicy(createCountingPolicy(settings.stats), { afterPhase: 'Retry' });
}

function createRetryPolicy(settings: PipelineSettings): PolicyLike {
  return {
    name: 'edgemlRetryPolicy',
    sendRequest(request, next) {
      if (!request.timeout) request.timeout = settings.retry?.attemptTimeoutMs ?? defaultRetryOptions.attemptTimeoutMs;
      return withRetry(() => next(request), {
        options: settings.retry,
        clock: settings.clock,
        classify(outcome) {
          // An abort the caller did not ask for is our per-attempt timeout firing: worth another attempt.
          const timedOut = !outcome.ok && (outcome.error as { name?: string })?.name === 'AbortError' && !request.abortSignal?.aborted;
          if (!outcome.ok) return { retry: timedOut || isTransientNetworkError(outcome.error) };
          const response = outcome.value;
          if (!isRetryableStatus(response.status)) return { retry: false };
          return { retry: true, retryAfterMs: parseRetryAfter((name) => response.headers.get(name)) };
        },
        onRetry: () => settings.stats.recordRetry(),
      });
    },
  };
}

function createCountingPolicy(stats: RequestStats): PolicyLike {
  return {
    name: 'edgemlRequestCounter',
    sendRequest(request, next) {
      stats.record(request.method);
      return next(request);
    },
  };
}
