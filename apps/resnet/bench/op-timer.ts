/** The timers of op-times.ts: a backend's methods wrapped to add up their wall time. */
/** A backend (or any object) whose functions op-times.ts wraps. */
export type Timed = Record<string, unknown>;

/** Wraps every function of `backend` so that its calls add their wall time to `totals`. */
export function timeOps(backend: Timed, totals: Map<string, number>): void {
  for (const [name, value] of Object.entries(backend)) {
    if (typeof value !== 'function') continue;
    const op = value as (...args: unknown[]) => unknown;
    backend[name] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return op.apply(this, args);
      } finally {
        totals.set(name, (totals.get(name) ?? 0) + performance.now() - t0);
      }
    };
  }
}
