import type { Backend } from '../../backend.js';
import { JsAllocator } from '../../memory.js';
import type { Tensor } from '../../tensor.js';

/**
 * The reference backend: plain loops over typed arrays, written to be obviously correct.
 * It is the ground truth the wasm backend is tested against, and it computes in float32 or
 * float64 (the latter for gradient checks). Its kernels read `tensor.data`, so they also work
 * on tensors whose storage lives in WebAssembly memory.
 */
export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    dtypes: ['float32', 'float64'],
    allocator: new JsAllocator(),
    fill(out: Tensor, value: number) {
      out.data.fill(value);
    },
    copy(src: Tensor, dst: Tensor) {
      dst.data.set(src.data);
    },
    // TODO(reference helper): every other kernel of the Backend interface.
  } as unknown as Backend;
}
