import { type Backend, type Conv2dParams, conv2dOutputSize, Rng, Tensor } from '@funt/tensor';

/**
 * The benchmark cases: sgemm at several sizes and the convolutions of a ResNet-20
 * for CIFAR-10 at batch 128 (three 3×3 stages and the two stride-2 transitions), each pass
 * (forward, backward-data, backward-weights) separately. Work is counted in flops:
 * 2·M·N·K for a matrix product, 2·N·O·C·kH·kW·Ho·Wo for every convolution pass.
 */
export interface BenchCase {
  name: string;
  flops: number;
  /** Allocates inputs and outputs on `backend` and returns the timed function and a cleanup. */
  setup(backend: Backend): { run: () => void; dispose: () => void };
}

function random(shape: readonly number[], backend: Backend, rng: Rng): Tensor {
  const t = Tensor.empty(shape, 'float32', backend);
  rng.fillUniform(t.data, -1, 1);
  return t;
}

export function sgemmCase(n: number): BenchCase {
  return {
    name: `sgemm ${n}`,
    flops: 2 * n * n * n,
    setup(backend) {
      const rng = new Rng(n);
      const a = random([n, n], backend, rng);
      const b = random([n, n], backend, rng);
      const c = Tensor.empty([n, n], 'float32', backend);
      const options = { transA: false, transB: false, alpha: 1, beta: 0 };
      return {
        run: () => backend.matmul(a, b, c, options),
        dispose: () => [a, b, c].forEach((t) => t.dispose()),
      };
    },
  };
}

export interface ConvShape {
  /** e.g. "16x32x32" or "16->32 s2 32x32". */
  label: string;
  C: number;
  O: number;
  size: number;
  stride: number;
}

/** The ResNet-20 convolutions (3×3, pad 1), the first layer (3 input channels) last. */
export const RESNET20_CONVS: readonly ConvShape[] = [
  { label: '16x32x32', C: 16, O: 16, size: 32, stride: 1 },
  { label: '32x16x16', C: 32, O: 32, size: 16, stride: 1 },
  { label: '64x8x8', C: 64, O: 64, size: 8, stride: 1 },
  { label: '16->32 s2 32x32', C: 16, O: 32, size: 32, stride: 2 },
  { label: '32->64 s2 16x16', C: 32, O: 64, size: 16, stride: 2 },
  { label: '3->16 32x32', C: 3, O: 16, size: 32, stride: 1 },
];

type ConvPass = 'forward' | 'backward-data' | 'backward-weights';
export const CONV_PASSES: readonly ConvPass[] = ['forward', 'backward-data', 'backward-weights'];

export function convCase(shape: ConvShape, pass: ConvPass, batch: number): BenchCase {
  const { C, O, size, stride } = shape;
  const k = 3;
  const out = conv2dOutputSize(size, k, stride, 1);
  const p: Conv2dParams = { strideH: stride, strideW: stride, padH: 1, padW: 1 };
  return {
    name: `conv2d ${pass} ${shape.label}`,
    flops: 2 * batch * O * C * k * k * out * out,
    setup(backend) {
      const rng = new Rng(C * 1000 + O);
      const x = random([batch, C, size, size], backend, rng);
      const w = random([O, C, k, k], backend, rng);
      const y = random([batch, O, out, out], backend, rng);
      const run =
        pass === 'forward'
          ? () => backend.conv2d(x, w, null, y, p)
          : pass === 'backward-data'
            ? () => backend.conv2dBackwardData(y, w, x, p)
            : () => backend.conv2dBackwardFilter(x, y, w, null, p, false);
      return { run, dispose: () => [x, w, y].forEach((t) => t.dispose()) };
    },
  };
}
