// Milliseconds per call of batch norm, the elementwise kernels, the shortcuts' padding and pooling of a
// ResNet-20 training step (batch 128, its three stages' shapes) on the wasm and the native
// backend, with 1 and 2 threads: wall time, median of 15 calls after 3 warm-up calls. From the repository root,
// after `pnpm build`:
//   flock /work/wt/bench.lock node packages/tensor-native/bench/batchnorm-elementwise.mjs
import { backendByName, Rng, setThreads, Tensor, threadsReady } from '@funt/tensor';
import { nativeStatus } from '@funt/tensor-native';

const status = nativeStatus();
if (!status.available) throw new Error(`the native backend is not available: ${status.reason}`);

function median(f) {
  for (let i = 0; i < 3; i++) f();
  const times = [];
  for (let i = 0; i < 15; i++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[7];
}

function random(backend, shape, rng, lo = -1, hi = 1) {
  const t = Tensor.empty(shape, 'float32', backend);
  rng.fillUniform(t.data, lo, hi);
  return t;
}

/** The kernels on one backend and shape: name → function of one call. */
function calls(backend, [N, C, H, W]) {
  const rng = new Rng(1);
  const shape = [N, C, H, W];
  const x = random(backend, shape, rng, -1, 2);
  const dy = random(backend, shape, rng);
  const r = random(backend, shape, rng);
  const y = Tensor.empty(shape, 'float32', backend);
  const dx = Tensor.empty(shape, 'float32', backend);
  const gamma = random(backend, [C], rng, 0.5, 1.5);
  const beta = random(backend, [C], rng);
  const half = random(backend, [N, C / 2, H, W], rng);
  const wide = random(backend, [N, C / 2, 2 * H, 2 * W], rng);
  const pooled = Tensor.empty([N, C, 1, 1], 'float32', backend);
  const window = (k, s) => ({
    kernelH: k,
    kernelW: k,
    strideH: s,
    strideW: s,
    padH: 0,
    padW: 0,
    ceilMode: false,
    countIncludePad: true,
  });
  const [pairs, whole] = [window(2, 2), window(H, 1)];
  const shortcut = [
    [0, 0],
    [C / 4, C / 4],
    [0, 0],
    [0, 0],
  ];
  const [mean, invStd, rm, rv, dg, db] = [0, 1, 2, 3, 4, 5].map(() => random(backend, [C], rng, 0.5, 1));
  return {
    'batchNormTrain + ReLU': () => backend.batchNormTrain(x, gamma, beta, y, mean, invStd, rm, rv, 0.1, 1e-5, true),
    'batchNormBackward + ReLU': () => backend.batchNormBackward(x, dy, gamma, mean, invStd, dx, dg, db, true, y),
    'add + ReLU': () => backend.binary('add', x, r, dx, true),
    thresholdBackward: () => backend.thresholdBackward(x, dy, 0, dx),
    // The shortcut into this stage: zero channels on both sides of the previous stage's output.
    ...(C >= 32 && {
      'pad (shortcut)': () => backend.pad(half, shortcut, 'zero', 0, y),
      padBackward: () => backend.padBackward(dy, shortcut, 'zero', half),
      // Its subsampling: 2 × 2 average pooling with stride 2 of the previous stage's output.
      'avgPool2d 2 × 2 (shortcut)': () => backend.avgPool2d(wide, half, pairs),
      'avgPool2dBackward 2 × 2': () => backend.avgPool2dBackward(half, wide, pairs),
    }),
    ...(C === 64 && {
      'avgPool2d global': () => backend.avgPool2d(x, pooled, whole),
      'avgPool2dBackward global': () => backend.avgPool2dBackward(pooled, dx, whole),
    }),
  };
}

const shapes = [
  [128, 16, 32, 32],
  [128, 32, 16, 16],
  [128, 64, 8, 8],
];
const rows = [];
for (const threads of [1, 2]) {
  setThreads(threads);
  await threadsReady();
  for (const shape of shapes) {
    const wasm = calls(backendByName('wasm'), shape);
    const native = calls(backendByName('native'), shape);
    for (const name of Object.keys(wasm)) {
      const w = median(wasm[name]);
      const n = median(native[name]);
      rows.push(`| ${name} | [${shape}] | ${threads} | ${w.toFixed(2)} | ${n.toFixed(2)} | ${(w / n).toFixed(2)}× |`);
    }
  }
}
console.log('| kernel | shape | threads | wasm ms | native ms | wasm / native |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
