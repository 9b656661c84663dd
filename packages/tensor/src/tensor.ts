import type { Backend } from './backend.js';
import { bytesPerElement, type DataArray, type DType } from './dtype.js';
import { getBackend, getDefaultDType } from './engine.js';
import { DisposedError, formatShape, ShapeError } from './errors.js';
import type { Storage } from './memory.js';
import { trackInScope } from './scope.js';
import { checkShape, resolveShape, type Shape, sizeOf } from './shape.js';

/** The safety net for forgotten tensors: releases their share of storage after collection. */
const finalizer = new FinalizationRegistry<Storage>((storage) => releaseStorage(storage));

function releaseStorage(storage: Storage): void {
  storage.refs--;
  if (storage.refs === 0) storage.free();
}

/** A nested array of numbers, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * A contiguous, row-major tensor of float32 (or float64) values. `data` is a typed-array view
 * of exactly `size` elements; with the wasm backend it is a view into WebAssembly memory, so
 * kernels work in place. Views (`reshape`, `slice`) share storage without copying.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: DType;
  /** The backend whose allocator owns the storage. */
  readonly backend: Backend;
  /** Element offset of this view inside its storage. */
  readonly offset: number;
  private storage: Storage | null;
  private view: DataArray;

  /** Use the creation functions (`zeros`, `tensor`, …) rather than this constructor. */
  constructor(storage: Storage, shape: Shape, backend: Backend, offset = 0) {
    const size = sizeOf(shape);
    if (offset + size > storage.length) {
      throw new ShapeError(
        'Tensor',
        `view of ${size} elements at offset ${offset} exceeds storage of ${storage.length}`,
        [shape],
      );
    }
    this.shape = Object.freeze([...shape]);
    this.size = size;
    this.dtype = storage.dtype;
    this.backend = backend;
    this.offset = offset;
    this.storage = storage;
    this.view = offset === 0 && size === storage.length ? storage.data : storage.data.subarray(offset, offset + size);
    storage.refs++;
    finalizer.register(this, storage, this);
    trackInScope(this);
  }

  /** Allocates an uninitialised (for wasm: possibly non-zero) tensor on the active backend. */
  static empty(shape: Shape, dtype: DType = getDefaultDType(), backend: Backend = getBackend()): Tensor {
    checkShape('empty', shape);
    if (!backend.dtypes.includes(dtype)) {
      throw new Error(`backend '${backend.name}' does not support ${dtype}`);
    }
    return new Tensor(backend.allocator.allocate(sizeOf(shape), dtype), shape, backend);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The elements, as a typed-array view (not a copy). */
  get data(): DataArray {
    if (!this.storage) throw new DisposedError('data');
    return this.view;
  }

  /** Byte address in WebAssembly memory, or -1 when the storage is a JavaScript array. */
  get ptr(): number {
    if (!this.storage) throw new DisposedError('ptr');
    return this.storage.ptr < 0 ? -1 : this.storage.ptr + this.offset * bytesPerElement(this.dtype);
  }

  get isDisposed(): boolean {
    return this.storage === null;
  }

  /** True when both tensors are views of the same storage. */
  sharesStorageWith(other: Tensor): boolean {
    return this.storage !== null && this.storage === other.storage;
  }

  /** Releases this tensor's share of its storage. Safe to call twice. */
  dispose(): void {
    if (!this.storage) return;
    finalizer.unregister(this);
    const s = this.storage;
    this.storage = null;
    releaseStorage(s);
  }

  /** A view with another shape (one dimension may be -1). No copy. */
  reshape(shape: Shape): Tensor {
    if (!this.storage) throw new DisposedError('reshape');
    const resolved = resolveShape('reshape', shape, this.size, this.shape);
    return new Tensor(this.storage, resolved, this.backend, this.offset);
  }

  /** A view of rows [start, end) along the first axis. No copy. */
  slice(start: number, end: number = this.shape[0]): Tensor {
    if (!this.storage) throw new DisposedError('slice');
    if (this.rank === 0)
      throw new ShapeError('slice', `cannot slice a scalar ${formatShape(this.shape)}`, [this.shape]);
    const n = this.shape[0];
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || start > end) {
      throw new ShapeError(
        'slice',
        `range [${start}, ${end}) out of bounds for first axis of ${formatShape(this.shape)}`,
        [this.shape],
      );
    }
    const rowSize = n === 0 ? 0 : this.size / n;
    return new Tensor(this.storage, [end - start, ...this.shape.slice(1)], this.backend, this.offset + start * rowSize);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new ShapeError('item', `tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`, [
        this.shape,
      ]);
    return this.data[0];
  }

  /** The element at the given indices. */
  get(...indices: number[]): number {
    if (indices.length !== this.rank) {
      throw new ShapeError(
        'get',
        `expected ${this.rank} indices for shape ${formatShape(this.shape)}, got ${indices.length}`,
        [this.shape],
      );
    }
    let flat = 0;
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new ShapeError('get', `index ${k} out of range for axis ${i} of ${formatShape(this.shape)}`, [
          this.shape,
        ]);
      }
      flat = flat * this.shape[i] + k;
    }
    return this.data[flat];
  }

  /** A copy of the elements as a plain Float32Array/Float64Array (detached from storage). */
  toTypedArray(): DataArray {
    return this.data.slice();
  }

  /** The elements as nested arrays. */
  toArray(): NestedArray {
    const data = this.data;
    if (this.rank === 0) return data[0];
    const build = (axis: number, offset: number): NestedArray[] => {
      const n = this.shape[axis];
      const out: NestedArray[] = new Array(n);
      if (axis === this.rank - 1) {
        for (let i = 0; i < n; i++) out[i] = data[offset + i];
        return out;
      }
      let stride = 1;
      for (let j = axis + 1; j < this.rank; j++) stride *= this.shape[j];
      for (let i = 0; i < n; i++) out[i] = build(axis + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** A short description such as `Tensor([2, 3], float32, wasm)`; the values are not printed. */
  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}, ${this.backend.name})`;
  }
}
