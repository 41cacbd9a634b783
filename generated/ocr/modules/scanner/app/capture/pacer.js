// Paces the capture loop at a fixed rate: wait() resolves at the next tick of a fixed schedule, so time spent
// scoring does not slow the rate down; ticks missed while late are skipped, not bunched. Runtime stage (capture).
export function createPacer(fps, signal, now = () => performance.now()) {
    const interval = 1000 / fps;
    let due;
    return {
        wait() {
            if (signal?.aborted)
                return Promise.resolve(false);
            const t = now();
            if (due === undefined) {
                due = t; // the first frame goes at once
            }
            else {
                due += interval;
                if (due < t - interval)
                    due = t; // far behind: restart the schedule instead of firing a burst
            }
            const delay = Math.max(0, due - t);
            return new Promise((resolve) => {
                const onAbort = () => {
                    clearTimeout(timer);
                    resolve(false);
                };
                const timer = setTimeout(() => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve(true);
                }, delay);
                signal?.addEventListener('abort', onAbort, { once: true });
            });
        },
    };
}
