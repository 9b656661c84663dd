import { type DType, getBackend, keep, sameShape, sizeOf, Tensor } from '@funt/tensor';

/**
 * Memory a memory plan lends to a key for the length of a pass: returns a flat tensor of at
 * least `size` elements of `dtype`, which other keys also use at other moments of the pass, or
 * null when the plan has stopped lending (the key's own tensor is used then).
 */
export type Lender = (size: number, dtype: DType) => Tensor | null;

/**
 * The tensors a module (or criterion) keeps between calls, by key: its output and gradInput and
 * any intermediate its backward needs (batch statistics, a log-softmax, ...). A tensor is
 * reallocated only when the requested shape, dtype or backend changes, so a training loop over
 * equal batches allocates nothing after its first step.
 *
 * Tensors handed out here are owned by the cache: a replaced tensor is disposed, so a
 * caller that wants to keep `module.output` across a change of batch size must clone it.
 * They are exempt from `tidy` scopes (a module built or first run inside `tidy` keeps working).
 *
 * While a memory plan (plan/) runs a pass, the keys it plans are lent memory instead: `get`
 * then returns a view of the plan's shared slot, cached like any view, and the key's own
 * tensor (if it has one) is left alone for passes outside the plan.
 */
export class TensorCache {
  private readonly tensors = new Map<string, Tensor>();
  private readonly lenders = new Map<string, Lender>();
  /** Views of lent memory, by key (kept apart so that a key's own tensor survives a planned pass). */
  private readonly borrowed = new Map<string, Tensor>();

  /** A tensor of this shape and dtype under `key`, reused when it already matches. Contents are unspecified. */
  get(key: string, shape: readonly number[], dtype: DType): Tensor {
    const size = sizeOf(shape);
    const flat = this.lenders.get(key)?.(size, dtype);
    if (flat)
      return this.cachedView(this.borrowed, key, flat, flat.offset, shape, () => withShape(flat.slice(0, size), shape));
    const have = this.tensors.get(key);
    if (
      have &&
      !have.isDisposed &&
      have.dtype === dtype &&
      have.backend === getBackend() &&
      sameShape(have.shape, shape)
    ) {
      return have;
    }
    have?.dispose();
    const t = keep(Tensor.empty(shape, dtype));
    this.tensors.set(key, t);
    return t;
  }

  /** Like `get` with the shape and dtype of `like`. */
  like(key: string, like: Tensor): Tensor {
    return this.get(key, like.shape, like.dtype);
  }

  /**
   * A reshaped view of `source` under `key` (no copy), reused while `source` is the same
   * window of the same storage. Views are cached because each one holds a reference to the
   * storage: a fresh view per call would keep freed blocks alive until garbage collection.
   */
  view(key: string, source: Tensor, shape: readonly number[]): Tensor {
    return this.cachedView(this.tensors, key, source, source.offset, shape, () => source.reshape(shape));
  }

  /** Rows [start, end) of `source` along its first axis, viewed with `shape` (default: the slice's own). */
  slice(key: string, source: Tensor, start: number, end: number, shape?: readonly number[]): Tensor {
    const rowSize = source.shape[0] === 0 ? 0 : source.size / source.shape[0];
    const want = shape ?? [end - start, ...source.shape.slice(1)];
    return this.cachedView(this.tensors, key, source, source.offset + start * rowSize, want, () =>
      withShape(source.slice(start, end), want),
    );
  }

  private cachedView(
    map: Map<string, Tensor>,
    key: string,
    source: Tensor,
    offset: number,
    shape: readonly number[],
    make: () => Tensor,
  ): Tensor {
    const have = map.get(key);
    if (
      have &&
      !have.isDisposed &&
      have.sharesStorageWith(source) &&
      have.offset === offset &&
      sameShape(have.shape, shape)
    ) {
      return have;
    }
    have?.dispose();
    const t = keep(make());
    map.set(key, t);
    return t;
  }

  /**
   * From now on `get(key)` takes its memory from `lender` (null: from the key's own tensor again).
   *
   * @internal
   */
  lend(key: string, lender: Lender | null): void {
    if (lender) this.lenders.set(key, lender);
    else this.lenders.delete(key);
  }

  /**
   * Drops the cached view of lent memory under `key` (its plan is gone; the view would keep the memory alive).
   *
   * @internal
   */
  dropBorrowed(key: string): void {
    this.borrowed.get(key)?.dispose();
    this.borrowed.delete(key);
  }

  /** Frees every tensor (they are reallocated on the next call that needs them). */
  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    for (const t of this.borrowed.values()) t.dispose();
    this.tensors.clear();
    this.borrowed.clear();
    this.lenders.clear();
  }

  /** How many tensors are held (for tests and memory accounting). */
  get count(): number {
    return this.tensors.size;
  }
}

/** `t` viewed with `shape` (t itself when it has it; otherwise t is released for the new view). */
function withShape(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t.shape, shape)) return t;
  const v = t.reshape(shape);
  t.dispose();
  return v;
}
