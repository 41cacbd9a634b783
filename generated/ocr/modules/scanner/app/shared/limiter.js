// Bounded concurrency with a bounded wait queue: at most `concurrency` jobs run, at most `queueLimit` wait, and a
// job beyond that is refused at once (the server answers 503 + Retry-After). A job may carry a deadline: one still
// waiting when it passes leaves the queue without running. Runtime stage, shared by modules.
/** The server cannot take this request now (answered 503 with Retry-After); a later retry may succeed. */
export class BusyError extends Error {
    name = 'BusyError';
}
export class QueueFullError extends BusyError {
    name = 'QueueFullError';
    constructor() {
        super('The server is busy: too many requests are waiting; retry shortly.');
    }
}
/** A request's processing deadline passed (waiting for a slot or while scoring). */
export class DeadlineError extends BusyError {
    name = 'DeadlineError';
    constructor(ms) {
        super(`The request was not finished within its ${ms} ms processing deadline; the server is busy, retry shortly.`);
    }
}
export function createLimiter(concurrency, queueLimit) {
    let active = 0;
    const queue = [];
    let idleWaiters = [];
    const release = () => {
        const next = queue.shift();
        if (next)
            return next(); // the slot passes straight to the next job
        active--;
        if (active === 0) {
            for (const resolve of idleWaiters)
                resolve();
            idleWaiters = [];
        }
    };
    const acquire = () => {
        if (active < concurrency) {
            active++;
            return { granted: Promise.resolve(), withdraw: () => false };
        }
        if (queue.length >= queueLimit)
            return { granted: Promise.reject(new QueueFullError()), withdraw: () => false };
        let resolveSlot;
        const granted = new Promise((resolve) => (resolveSlot = resolve));
        queue.push(resolveSlot);
        const withdraw = () => {
            const index = queue.indexOf(resolveSlot);
            if (index < 0)
                return false;
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
                }
                finally {
                    release();
                }
            }
            let timer;
            let started = false;
            const late = new Promise((_, reject) => {
                timer = setTimeout(() => {
                    // Still queued: leave the queue, so the slot never runs work nobody waits for. (Granted but not yet
                    // started cannot happen, since a grant's continuation runs before any timer; should it, give the slot back.)
                    if (!started && !withdraw())
                        void granted.then(() => started || release(), () => undefined);
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
            }
            finally {
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
