/** A refused upload's connection closes when nothing arrives for this long after the answer... */
export const LINGER_IDLE_MS = 5_000;
/** ...and at the latest this long after it. */
export const LINGER_MAX_MS = 30_000;
/** Call before the answer is written; the connection then closes gracefully after it. */
export function lingerAfterAnswer(req, idleMs = LINGER_IDLE_MS, maxMs = LINGER_MAX_MS) {
    const socket = req.socket;
    socket.destroySoon = function lingeringClose() {
        this.end();
        this.setTimeout(idleMs, () => this.destroy());
        const timer = setTimeout(() => this.destroy(), maxMs);
        timer.unref();
        this.once('close', () => clearTimeout(timer));
    };
    req.resume(); // what arrives is discarded, never buffered
}
