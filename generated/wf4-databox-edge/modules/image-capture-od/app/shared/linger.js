/** How long a refused upload may keep sending after its answer before the connection is cut. */
export const LINGER_MS = 2_000;
/** Call before the answer is written; the connection closes gracefully after it (at most `lingerMs` later). */
export function lingerAfterAnswer(req, lingerMs = LINGER_MS) {
    const socket = req.socket;
    socket.destroySoon = function lingeringClose() {
        this.end();
        const timer = setTimeout(() => this.destroy(), lingerMs);
        timer.unref();
        this.once('close', () => clearTimeout(timer));
    };
    req.resume(); // what arrives is discarded, never buffered
}
