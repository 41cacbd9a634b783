// Bounded concurrency with a bounded wait queue: at most `concurrency` jobs run, at most `queueLimit` wait, and a
// job beyond that is refused at once (the server answers 503 + Retry-After). A job may carry a deadline: one still
// waiting when it passes leaves the queue without running. Runtime stage, shared by modules.

/** The server cannot take this request now (answered 503 with Retry-After); a later retry may succeed. */
export class BusyError extends Error {
  override name = 'BusyError';
}

export class QueueFullError extends BusyError {
  override name = 'QueueFullError';
  constructor() {
    super('The server is busy: too many requests are waiting; retry shortly.');
  }
}

/** A request's processing deadline passed (waiting for a slot or while scoring). */
export class DeadlineError extends BusyError {
  override name = 'DeadlineError';
  constructor(ms: number) {
    super(`The request was not finished within its ${ms} ms processing deadline; the server is busy, retry shortly.`);
  }
}

export interface RunOptions {
  /** Give up with DeadlineError after this many milliseconds (waiting included); the job itself is not stopped. */
  deadlineMs?: number;
}

export interface Limiter {
  /** Runs fn when a slot is free; rejects with QueueFullError when the queue is full, DeadlineError when late. */
  run<T>(fn: () => Promise<T>, options?: RunOptions): Promise<T>;
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

  const acquire = (): { granted: Promise<void>; withdraw: () => boolean } => {
    if (active < concurrency) {
      active++;
      return { granted: Promise.resolve(), withdraw: () => false };
    }
    if (queue.length >= queueLimit) return { granted: Promise.reject(new QueueFullError()), withdraw: () => false };
    let resolveSlot!: () => void;
    const granted = new Promise<void>((resolve) => (resolveSlot = resolve));
    queue.push(resolveSlot);
    const withdraw = (): boolean => {
      const index = queue.indexOf(resolveSlot);
      if (index < 0) return false;
      queue.splice(index, 1);
      return true;
    };
    return { granted, withdraw };
  };

  return {
    async run(fn, options = {}) {
      const { granted, withdraw } = acquire();
      const { deadlineMs } = options;
      if (deadlineMs === undefined) {
        await granted;
        try {
          return await fn();
        } finally {
          release();
        }
      }
      let timer: NodeJS.Timeout | undefined;
      let started = false;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Still queued: leave the queue, so the slot never runs work nobody waits for. (Granted but not yet
          // started cannot happen, since a grant's continuation runs before any timer; should it, give the slot back.)
          if (!started && !withdraw())
            void granted.then(
              () => started || release(),
              () => undefined,
            );
          reject(new DeadlineError(deadlineMs));
        }, deadlineMs);
      });
      try {
        await Promise.race([granted, late]);
        started = true;
        // Running: answer at the deadline, but hold the slot until the work really ends (the CPU is still busy).
        const work = fn().finally(release);
        work.catch(() => undefined);
        return await Promise.race([work, late]);
      } finally {
        clearTimeout(timer);
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
