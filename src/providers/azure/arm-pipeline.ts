// Replaces the Azure SDK pipeline's built-in retry with edgeml's retry policy (providers/retry.ts) and counts
// every attempt, including long-running-operation polls, in RequestStats. Apply stage (providers).
import { defaultRetryOptions, isRetryableStatus, isTransientNetworkError, parseRetryAfter, withRetry, type RetryClock } from '../retry.js';
import type { RequestStats, RetryOptions } from '../types.js';
import type { Pipeline, PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';

// The SDK's own pipeline types (type-only: nothing of @azure/core-rest-pipeline is loaded by this import).
type PipelineRequestLike = PipelineRequest;
type PipelineResponseLike = PipelineResponse;
type PolicyLike = PipelinePolicy;
export type PipelineLike = Pipeline;

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
      const userSignal = request.abortSignal;
      const timeoutMs = settings.retry?.attemptTimeoutMs ?? defaultRetryOptions.attemptTimeoutMs;
      return withRetry(() => attemptWithTimeout(request, next, timeoutMs), {
        options: settings.retry,
        clock: settings.clock,
        classify(outcome) {
          // An abort the caller did not ask for is our per-attempt timeout firing: worth another attempt.
          const timedOut = !outcome.ok && (outcome.error as { name?: string })?.name === 'AbortError' && !userSignal?.aborted;
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

/**
 * One attempt, aborted after `ms` (or when the caller aborts). Our own timer rather than the request's `timeout`
 * field: the SDK's HTTP client leaves that timer running when the connection fails, which keeps the CLI alive.
 */
async function attemptWithTimeout(request: PipelineRequestLike, next: SendRequest, ms: number): Promise<PipelineResponseLike> {
  const userSignal = request.abortSignal;
  const controller = new AbortController();
  const onUserAbort = () => controller.abort();
  if (userSignal?.aborted) controller.abort();
  userSignal?.addEventListener('abort', onUserAbort);
  const timer = setTimeout(() => controller.abort(), ms);
  request.abortSignal = controller.signal;
  try {
    return await next(request);
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener('abort', onUserAbort);
    request.abortSignal = userSignal;
  }
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
