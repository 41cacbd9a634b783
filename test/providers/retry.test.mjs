// Unit tests for providers/retry.ts with a fake clock: backoff, Retry-After, bounds, classification.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  backoffDelay,
  defaultRetryOptions,
  isRetryableStatus,
  isTransientNetworkError,
  parseRetryAfter,
  withRetry,
  withTimeout,
} from '../../dist/providers/retry.js';
import { createRequestStats, ProviderError, SecretValue } from '../../dist/providers/types.js';
import { inspect } from 'node:util';

function fakeClock(random = 0.5) {
  const clock = { t: 0, sleeps: [], now: () => clock.t, random: () => random };
  clock.sleep = async (ms) => {
    clock.sleeps.push(ms);
    clock.t += ms;
  };
  return clock;
}

const statusClassifier = (outcome) =>
  outcome.ok
    ? { retry: isRetryableStatus(outcome.value.status), retryAfterMs: outcome.value.retryAfterMs }
    : { retry: isTransientNetworkError(outcome.error) };

test('retries 503 with exponential full-jitter backoff until success', async () => {
  const clock = fakeClock(0.5);
  const answers = [{ status: 503 }, { status: 503 }, { status: 200 }];
  let calls = 0;
  const result = await withRetry(async () => answers[calls++], { classify: statusClassifier, clock, options: { baseDelayMs: 100 } });
  assert.is(result.status, 200);
  assert.is(calls, 3);
  // random 0.5 × 100·2^0, then 0.5 × 100·2^1
  assert.equal(clock.sleeps, [50, 100]);
});

test('honours Retry-After instead of backoff, capped by maxDelayMs', async () => {
  const clock = fakeClock(0.99);
  const answers = [{ status: 429, retryAfterMs: 2000 }, { status: 429, retryAfterMs: 90_000 }, { status: 204 }];
  let calls = 0;
  await withRetry(async () => answers[calls++], { classify: statusClassifier, clock, options: { maxDelayMs: 30_000 } });
  assert.equal(clock.sleeps, [2000, 30_000]);
});

test('stops after maxAttempts and returns the last retryable answer', async () => {
  const clock = fakeClock();
  let calls = 0;
  const result = await withRetry(async () => (calls++, { status: 503 }), {
    classify: statusClassifier,
    clock,
    options: { maxAttempts: 3 },
  });
  assert.is(result.status, 503);
  assert.is(calls, 3);
  assert.is(clock.sleeps.length, 2);
});

test('stops when the next wait would pass maxTotalMs, and rethrows the last error', async () => {
  const clock = fakeClock();
  let calls = 0;
  const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const failing = withRetry(
    async () => {
      calls++;
      throw reset();
    },
    { classify: statusClassifier, clock, options: { maxAttempts: 50, baseDelayMs: 1000, maxTotalMs: 5000 } },
  );
  await failing.then(
    () => assert.unreachable('should have thrown'),
    (error) => assert.is(error.code, 'ECONNRESET'),
  );
  assert.ok(calls >= 2 && calls < 50, `attempts bounded by time, got ${calls}`);
  assert.ok(clock.t <= 5000, `waited ${clock.t} ms in total`);
});

test('does not retry client errors or unknown errors', async () => {
  const clock = fakeClock();
  let calls = 0;
  const result = await withRetry(async () => (calls++, { status: 409 }), { classify: statusClassifier, clock });
  assert.is(result.status, 409);
  assert.is(calls, 1);
  calls = 0;
  await withRetry(
    async () => {
      calls++;
      throw new TypeError('bug');
    },
    { classify: statusClassifier, clock },
  ).catch(() => {});
  assert.is(calls, 1);
});

test('parseRetryAfter reads ms headers, seconds and HTTP dates', () => {
  const headers = (h) => (name) => h[name];
  assert.is(parseRetryAfter(headers({ 'retry-after': '3' })), 3000);
  assert.is(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
  assert.is(parseRetryAfter(headers({ 'x-ms-retry-after-ms': '40' })), 40);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.is(parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
  assert.is(parseRetryAfter(headers({})), undefined);
  assert.is(parseRetryAfter(headers({ 'retry-after': 'soon' })), undefined);
});

test('classification tables', () => {
  for (const s of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
  for (const s of [200, 400, 401, 404, 409, 412, 501, 505]) assert.not.ok(isRetryableStatus(s), String(s));
  assert.ok(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' })));
  assert.ok(isTransientNetworkError({ message: 'wrapped', cause: { code: 'ETIMEDOUT' } }));
  assert.not.ok(isTransientNetworkError(new Error('Bad request')));
});

test('backoffDelay never exceeds maxDelayMs', () => {
  const clock = fakeClock(0.999);
  const options = { ...defaultRetryOptions, baseDelayMs: 1000, maxDelayMs: 4000 };
  assert.ok(backoffDelay(10, undefined, options, clock) < 4000);
  assert.is(backoffDelay(1, 0, options, clock), 0);
});

test('withTimeout rejects slow work with AttemptTimeout and lets fast work through', async () => {
  const slow = new Promise((resolve) => setTimeout(() => resolve('late'), 200));
  await withTimeout(slow, 20).then(
    () => assert.unreachable('should time out'),
    (error) => assert.is(error.code, 'AttemptTimeout'),
  );
  assert.is(await withTimeout(Promise.resolve('ok'), 20), 'ok');
  await slow;
});

test('RequestStats counts by method, writes and retries', () => {
  const stats = createRequestStats();
  for (const m of ['GET', 'get', 'PUT', 'POST', 'DELETE', 'PATCH']) stats.record(m);
  stats.recordRetry();
  assert.equal(stats.byMethod, { GET: 2, PUT: 1, POST: 1, DELETE: 1, PATCH: 1 });
  assert.is(stats.total, 6);
  assert.is(stats.writes, 4);
  assert.is(stats.retries, 1);
  stats.reset();
  assert.is(stats.total, 0);
});

test('SecretValue never prints its value', () => {
  const secret = new SecretValue('super-secret-key-value');
  assert.is(secret.reveal(), 'super-secret-key-value');
  assert.is(String(secret), '(sensitive)');
  assert.is(`${secret}`, '(sensitive)');
  assert.is(JSON.stringify({ secret }), '{"secret":"(sensitive)"}');
  assert.not.ok(inspect({ secret }).includes('super-secret'));
  const error = new ProviderError({ code: 'DeviceNotFound', status: 404, message: 'x', operation: 'iothub.getDevice' });
  assert.is(error.code, 'DeviceNotFound');
  assert.is(error.retryable, false);
  assert.ok(error instanceof Error);
});

test.run();
