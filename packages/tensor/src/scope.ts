// A scope holds whatever registered itself on creation (`trackInScope`, which every Tensor
// calls), so this file needs nothing of tensor.ts beyond `dispose`, and tensor.ts can depend on
// it without a cycle.

/** Anything `tidy` and `keep` handle: tensors, and any object with a `dispose()`. */
export interface Scoped {
  /** Releases the object's resources; called once by the scope that owns it. */
  dispose(): void;
}

const scopes: Set<Scoped>[] = [];

export function trackInScope(t: Scoped): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Exempts a tensor from the enclosing `tidy` scopes. */
export function keep<T extends Scoped>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

/**
 * Runs `fn` and disposes every tensor created while it runs, except those it returns (a tensor, or
 * tensors inside a returned array or plain object, up to four levels deep) and those passed to `keep`.
 * Survivors join the enclosing `tidy`, if any. When `fn` throws, everything it created is disposed and
 * the error is rethrown.
 *
 * @example
 * ```ts
 * const loss = tidy(() => {
 *   const d = sub(prediction, target); // disposed on return
 *   return mean(square(d)); // kept
 * });
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Scoped>();
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
  collect(result, scope, kept, 0);
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

/**
 * Adds to `into` the members of `scope` in `value`: the value itself, or (up to four levels
 * deep) the elements of arrays and the values of plain objects. Anything else, a tensor of
 * another scope included, is not looked into.
 */
function collect(value: unknown, scope: Set<Scoped>, into: Set<unknown>, depth: number): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (scope.has(value as Scoped)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, scope, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collect(v, scope, into, depth + 1);
}
