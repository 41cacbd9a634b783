// Bounded concurrency with a bounded wait queue: at most `concurrency` jobs run, at most `queueLimit` wait, and a
// job beyond that is refused at once (the server answers 503 + Retry-After). Runtime stage, shared by modules.
export class QueueFullError extends Error {
    name = 'QueueFullError';
    constructor() {
        super('The server is busy: too many requests are waiting; retry shortly.');
    }
}
export function createLimiter(concurrency, queueLimit) {
    let active = 0;
    const queue = [];
    let idleWaiters = [];
    const release = () => {
        const next = queue.shift();
        if (next) {
            next(); // the slot passes straight to the next job
            return;
        }
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
            return Promise.resolve();
        }
        if (queue.length >= queueLimit)
            return Promise.reject(new QueueFullError());
        return new Promise((resolve) => queue.push(resolve));
    };
    return {
        async run(fn) {
            await acquire();
            try {
                return await fn();
            }
            finally {
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
