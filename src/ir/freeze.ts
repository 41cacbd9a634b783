// The IR is immutable once lowered and resolved: every later stage (checks, renderers, plan, local run) reads the same
// value, so none can change what another sees. Freezing makes an accidental write throw instead of leaking.

/** Deeply freezes plain objects and arrays in `value` (in place) and returns it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
