import { type DType, Tensor, getBackend, keep, sameShape } from '@funt/tensor';

/**
 * The tensors a module keeps between calls: its output and gradInput buffers and any
 * intermediate it needs in backward (batch statistics, a log-softmax, ...). Each is found by a
 * key and reallocated only when the requested shape, dtype or backend changes, so a training
 * loop over equal batches allocates nothing after its first step.
 *
 * Tensors handed out here are owned by the workspace: a replaced tensor is disposed, so a
 * caller that wants to keep `module.output` across a change of batch size must clone it.
 * They are exempt from `tidy` scopes (a module built or first run inside `tidy` keeps working).
 */
export class Workspace {
  private readonly tensors = new Map<string, Tensor>();

  /** A tensor of this shape and dtype under `key`, reused when it already matches. Contents are unspecified. */
  get(key: string, shape: readonly number[], dtype: DType): Tensor {
    const have = this.tensors.get(key);
    if (have && !have.isDisposed && have.dtype === dtype && have.backend === getBackend() && sameShape(have.shape, shape)) {
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
    return this.cachedView(key, source, source.offset, shape, () => source.reshape(shape));
  }

  /** Rows [start, end) of `source` along its first axis, viewed with `shape` (default: the slice's own). */
  slice(key: string, source: Tensor, start: number, end: number, shape?: readonly number[]): Tensor {
    const rowSize = source.shape[0] === 0 ? 0 : source.size / source.shape[0];
    const want = shape ?? [end - start, ...source.shape.slice(1)];
    return this.cachedView(key, source, source.offset + start * rowSize, want, () => {
      const s = source.slice(start, end);
      if (sameShape(s.shape, want)) return s;
      const v = s.reshape(want);
      s.dispose();
      return v;
    });
  }

  private cachedView(key: string, source: Tensor, offset: number, shape: readonly number[], make: () => Tensor): Tensor {
    const have = this.tensors.get(key);
    if (have && !have.isDisposed && have.sharesStorageWith(source) && have.offset === offset && sameShape(have.shape, shape)) {
      return have;
    }
    have?.dispose();
    const t = keep(make());
    this.tensors.set(key, t);
    return t;
  }

  /** Frees every tensor (they are reallocated on the next call that needs them). */
  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }

  /** How many tensors are held (for tests and memory accounting). */
  get count(): number {
    return this.tensors.size;
  }
}
