import type { Kernels } from './module.js';
import type { Workspace } from './workspace.js';

/** Kernels whose last three parameters are (start, end, scratch): a range of independent work. */
export type RangeKernel =
  | 'gemm' | 'conv2d' | 'conv2dBackwardData' | 'conv2dBackwardFilter'
  | 'pool2d' | 'batchNormTrain' | 'batchNormApply' | 'batchNormBackward'
  | 'softmax' | 'softmaxBackward' | 'conv2dBiasGrad';

/**
 * The one place where kernels are split into work ranges. A range kernel is called as
 * `kernels[name](...args, start, end[, scratch])` for disjoint ranges covering [0, n); ranges
 * never write to the same bytes, so they can run in any order or at the same time.
 *
 * Today the whole range runs on the calling thread. Issue 7 (worker threads over the shared
 * memory) only has to change this function: every argument is a number, so a task is
 * `{ name, args, start, end, scratch }` and can be posted to a worker as is; each range then
 * needs its own `scratchBytes` of scratch (hence the scratch is handed out here).
 */
export function parallelFor(
  kernels: Kernels, ws: Workspace, name: RangeKernel, args: readonly number[], n: number, scratchBytes = -1,
): void {
  if (n <= 0) return;
  const fn = kernels[name] as (...a: number[]) => void;
  if (scratchBytes < 0) {
    fn(...args, 0, n);
    return;
  }
  const mark = ws.mark();
  try {
    const scratch = ws.take(scratchBytes + CANARY_BYTES);
    const canary = ws.view(scratch + scratchBytes, CANARY_BYTES / 4);
    canary.fill(CANARY);
    fn(...args, 0, n, scratch);
    // A kernel that wrote past the scratch its *ScratchBytes function asked for is a bug that
    // would otherwise corrupt whatever lies next in memory, silently.
    if (canary.some((v) => v !== CANARY)) {
      throw new Error(`wasm.${name}: kernel wrote past its ${scratchBytes} bytes of scratch (a scratch-size bug)`);
    }
  } finally {
    ws.release(mark);
  }
}

const CANARY = 0x5a17c0de;
const CANARY_BYTES = 64;
