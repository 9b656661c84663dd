import { Tensor } from './tensor.js';

/**
 * `tidy(fn)` disposes every tensor created while `fn` runs, except those it returns (a tensor,
 * or tensors inside a returned array or plain object) and those passed to `keep`.
 */
const scopes: Set<Tensor>[] = [];

export function trackInScope(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Exempts a tensor from the enclosing `tidy` scopes. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    // A failed step must not leak its intermediates into WebAssembly memory until the GC runs.
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  const kept = new Set<unknown>();
  collect(result, kept, 0);
  for (const t of scope) {
    if (kept.has(t)) {
      // Survivors belong to the enclosing scope, if any.
      trackInScope(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

function collect(value: unknown, into: Set<unknown>, depth: number): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collect(v, into, depth + 1);
}
