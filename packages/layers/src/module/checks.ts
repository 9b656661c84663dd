import { Tensor } from '@funt/tensor';
import type { Activity, ActivityShape } from './activity.js';
import { LayerError, type Named } from './errors.js';

/**
 * Input checks shared by every module and criterion. Each throws a `LayerError` that names
 * the module's path, the expected and the received shape, before a kernel sees bad input.
 */

export function shapeOf(a: Activity): ActivityShape {
  return a instanceof Tensor ? a.shape : a.map((t) => t.shape);
}

/** The input as a single tensor; a table is an error. */
export function expectTensor(m: Named, a: Activity, what = 'input'): Tensor {
  if (a instanceof Tensor) return a;
  if (Array.isArray(a))
    throw new LayerError(m, `${what} must be a tensor, not a table of ${a.length}`, 'a tensor', shapeOf(a));
  throw new LayerError(m, `${what} must be a tensor, got ${typeof a}`);
}

/** The input as a table of tensors, optionally of a fixed length. */
export function expectTable(m: Named, a: Activity, length?: number, what = 'input'): Tensor[] {
  if (!Array.isArray(a)) {
    const got = a instanceof Tensor ? a.shape : String(a);
    throw new LayerError(m, `${what} must be a table of ${length ?? 'one or more'} tensors`, 'a table', got);
  }
  if (length !== undefined && a.length !== length) {
    throw new LayerError(
      m,
      `${what} table has ${a.length} entries, expected ${length}`,
      `a table of ${length}`,
      shapeOf(a),
    );
  }
  if (length === undefined && a.length === 0)
    throw new LayerError(m, `${what} table is empty`, 'a table of one or more', shapeOf(a));
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] instanceof Tensor)) throw new LayerError(m, `${what} table entry ${i} is not a tensor`);
  }
  return a;
}

/** `[N, 16, H, W]`-style description used in messages: numbers where fixed, letters elsewhere. */
function pattern(dims: readonly (number | string)[]): string {
  return `[${dims.join(', ')}]`;
}

/**
 * Checks rank and fixed dimensions: `dims` lists, per axis, a required size or a letter for
 * "any". Several accepted patterns may be given (e.g. [C, H, W] or [N, C, H, W]).
 */
export function expectShape(
  m: Named,
  x: Tensor,
  patterns: readonly (readonly (number | string)[])[],
  what = 'input',
): void {
  for (const p of patterns) {
    if (p.length !== x.rank) continue;
    let ok = true;
    for (let i = 0; i < p.length; i++) {
      const d = p[i];
      if (typeof d === 'number' && x.shape[i] !== d) ok = false;
    }
    if (ok) return;
  }
  throw new LayerError(m, `bad ${what} shape`, patterns.map((p) => `${what} ${pattern(p)}`).join(' or '), x.shape);
}

/** Two tensors must have the same shape (gradOutput vs output, target vs input, table entries). */
export function expectSameShape(m: Named, a: Tensor, b: Tensor, what: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new LayerError(m, `${what} shape mismatch`, a.shape, b.shape);
  }
}

/** Constructor arguments: every value must be an integer >= min; the error names the argument. */
export function checkIntegers(m: Named, args: Record<string, number>, min: number): void {
  for (const [k, v] of Object.entries(args)) {
    if (!Number.isInteger(v) || v < min) throw new LayerError(m, `${k} must be an integer >= ${min}, got ${v}`);
  }
}
