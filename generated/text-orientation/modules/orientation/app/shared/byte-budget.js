import { BusyError } from './limiter.js';
export class ByteBudgetError extends BusyError {
    name = 'ByteBudgetError';
    constructor(limit) {
        super(`The server is busy: uploads in progress already hold its ${limit}-byte memory budget; retry shortly.`);
    }
}
export function createByteBudget(limit) {
    let used = 0;
    return {
        limit,
        get used() {
            return used;
        },
        reserve(bytes) {
            if (used + bytes > limit)
                return undefined;
            used += bytes;
            let held = bytes;
            let released = false;
            return {
                get bytes() {
                    return held;
                },
                growTo(total) {
                    if (released)
                        return false;
                    if (total <= held)
                        return true;
                    if (used + (total - held) > limit)
                        return false;
                    used += total - held;
                    held = total;
                    return true;
                },
                release() {
                    if (released)
                        return;
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
const reservations = new WeakMap();
export function attachReservation(req, budget, reservation) {
    reservations.set(req, { reservation, budget });
}
/** Records that `total` body bytes of this request have arrived; throws ByteBudgetError when the budget is spent. */
export function accountBodyBytes(req, total) {
    const entry = reservations.get(req);
    if (entry && !entry.reservation.growTo(total))
        throw new ByteBudgetError(entry.budget.limit);
}
