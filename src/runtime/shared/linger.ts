// Answer-then-close for a request whose body was not read (413 over the size limit, 503 over the byte budget).
// Node destroys the socket as soon as such an answer is written; bytes the client is still sending then arrive at a
// closed socket, and the kernel's reset can reach the client before it has read the answer, which it then never sees
// (a 50 MB upload to an 8 MB limit lost its 413 this way). Instead, like a web server's "lingering close": send the
// answer, half-close, keep discarding what still arrives for a short while, then close. Runtime stage, shared.
import type { IncomingMessage } from 'node:http';

/** How long a refused upload may keep sending after its answer before the connection is cut. */
export const LINGER_MS = 2_000;

/** Call before the answer is written; the connection closes gracefully after it (at most `lingerMs` later). */
export function lingerAfterAnswer(req: IncomingMessage, lingerMs = LINGER_MS): void {
  const socket = req.socket;
  socket.destroySoon = function lingeringClose(this: typeof socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), lingerMs);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
  req.resume(); // what arrives is discarded, never buffered
}
