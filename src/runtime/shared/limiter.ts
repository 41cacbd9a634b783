// Bounded concurrency with a bounded wait queue: at most `concurrency` jobs run, at most `queueLimit` wait, and a
// job beyond that is refused at once (the server answers 503 + Retry-After). Runtime stage, shared by modules.

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor() {
    super('The server is busy: too many requests are waiting; retry shortly.');
  }
}

export interface Limiter {
  /** Runs fn when a slot is free; rejects with QueueFullError when the queue is full. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** True when a new job would be refused right now. */
  isFull(): boolean;
  readonly active: number;
  readonly waiting: number;
  /** Resolves when nothing runs or waits (for graceful shutdown). */
  idle(): Promise<void>;
}

export function createLimiter(concurrency: number, queueLimit: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];

  const release = (): void => {
    const next = queue.shift();
    if (next) {
      next(); // the slot passes straight to the next job
      return;
    }
    active--;
    if (active === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const acquire = (): Promise<void> => {
    if (active < concurrency) {
      active++;
      return Promise.resolve();
    }
    if (queue.length >= queueLimit) return Promise.reject(new QueueFullError());
    return new Promise((resolve) => queue.push(resolve));
  };

  return {
    async run(fn) {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    isFull: () => active >= concurrency && queue.length >= queueLimit,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    idle: () => (active === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
}
