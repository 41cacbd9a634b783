// Answer-then-close for a request whose body was not read (413 over the size limit, 503 over the byte budget).
// Node destroys the socket as soon as such an answer is written; bytes the client is still sending then arrive at a
// closed socket, and the kernel's reset can reach the client before it has read the answer, which it then never sees
// (a 50 MB upload to an 8 MB limit lost its 413 this way). Instead, like nginx's lingering close (lingering_timeout
// 5 s between reads, lingering_time 30 s in all): send the answer, half-close, keep reading and discarding what still
// arrives while it keeps coming, then close. Nothing is buffered. Runtime stage, shared.
import type { IncomingMessage } from 'node:http';

/** A refused upload's connection closes when nothing arrives for this long after the answer... */
export const LINGER_IDLE_MS = 5_000;
/** ...and at the latest this long after it. */
export const LINGER_MAX_MS = 30_000;

/** Call before the answer is written; the connection then closes gracefully after it. */
export function lingerAfterAnswer(req: IncomingMessage, idleMs = LINGER_IDLE_MS, maxMs = LINGER_MAX_MS): void {
  const socket = req.socket;
  socket.destroySoon = function lingeringClose(this: typeof socket): void {
    this.end();
    this.setTimeout(idleMs, () => this.destroy());
    const timer = setTimeout(() => this.destroy(), maxMs);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
  req.resume(); // what arrives is discarded, never buffered
}
