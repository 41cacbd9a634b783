// A global budget for request-body bytes held in memory across all connections. A request's bytes count from the
// moment they can arrive (its declared Content-Length is reserved when its headers come in; a chunked body grows its
// share chunk by chunk) until its answer is sent, so slow or stalled uploads cannot add up beyond the budget: the
// next one is refused with 503 instead. Runtime stage, shared by modules that accept uploads.
import type { IncomingMessage } from 'node:http';
import { BusyError } from './limiter.js';

export class ByteBudgetError extends BusyError {
  override name = 'ByteBudgetError';
  constructor(limit: number) {
    super(`The server is busy: uploads in progress already hold its ${limit}-byte memory budget; retry shortly.`);
  }
}

export interface ByteBudget {
  readonly limit: number;
  /** Bytes reserved now, over all open reservations. */
  readonly used: number;
  /** A new reservation of `bytes` (may be 0), or undefined when that would pass the limit. */
  reserve(bytes: number): Reservation | undefined;
}

export interface Reservation {
  /** Bytes this reservation holds. */
  readonly bytes: number;
  /** Makes the reservation hold at least `total` bytes; false (nothing changed) when the budget cannot give them. */
  growTo(total: number): boolean;
  /** Gives the bytes back; later calls do nothing. */
  release(): void;
}

export function createByteBudget(limit: number): ByteBudget {
  let used = 0;
  return {
    limit,
    get used() {
      return used;
    },
    reserve(bytes) {
      if (used + bytes > limit) return undefined;
      used += bytes;
      let held = bytes;
      let released = false;
      return {
        get bytes() {
          return held;
        },
        growTo(total) {
          if (released) return false;
          if (total <= held) return true;
          if (used + (total - held) > limit) return false;
          used += total - held;
          held = total;
          return true;
        },
        release() {
          if (released) return;
          released = true;
          used -= held;
          held = 0;
        },
      };
    },
  };
}

// The body readers (request-body.ts) find a request's reservation here, so every route that reads a body through
// them is covered without passing it along by hand.
const reservations = new WeakMap<IncomingMessage, { reservation: Reservation; budget: ByteBudget }>();

export function attachReservation(req: IncomingMessage, budget: ByteBudget, reservation: Reservation): void {
  reservations.set(req, { reservation, budget });
}

/** Records that `total` body bytes of this request have arrived; throws ByteBudgetError when the budget is spent. */
export function accountBodyBytes(req: IncomingMessage, total: number): void {
  const entry = reservations.get(req);
  if (entry && !entry.reservation.growTo(total)) throw new ByteBudgetError(entry.budget.limit);
}
