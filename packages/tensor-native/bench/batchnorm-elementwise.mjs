// Milliseconds per call of batch norm, the elementwise kernels, the shortcuts' padding and
// pooling of a ResNet-20 training step (batch 128, its three stages' shapes) on the wasm and the
// native backend, with 1 and 2 threads: wall time, median of 15 calls after 3 warm-up calls.
// With --cold, each call takes the next of 4 sets of operands in turn, so that it finds them in
// memory rather than in cache, as in a training step (where every activation is another
// buffer). From the repository root, after `pnpm build`:
//   flock /work/wt/bench.lock node packages/tensor-native/bench/batchnorm-elementwise.mjs [--cold]
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

const SETS = process.argv.includes('--cold') ? 4 : 1;

/** The kernels on one backend and shape: name → function of one call; `made` collects the tensors. */
function calls(backend, [N, C, H, W], made) {
  const rng = new Rng(1);
  const shape = [N, C, H, W];
  const keep = (t) => {
    made.push(t);
    return t;
  };
  const operands = () => ({
    x: keep(random(backend, shape, rng, -1, 2)),
    dy: keep(random(backend, shape, rng)),
    r: keep(random(backend, shape, rng)),
    y: keep(Tensor.empty(shape, 'float32', backend)),
    dx: keep(Tensor.empty(shape, 'float32', backend)),
    half: keep(random(backend, [N, C / 2, H, W], rng)),
    wide: keep(random(backend, [N, C / 2, 2 * H, 2 * W], rng)),
  });
  const sets = Array.from({ length: SETS }, operands);
  let turn = 0;
  const next = () => sets[turn++ % SETS];
  const gamma = keep(random(backend, [C], rng, 0.5, 1.5));
  const beta = keep(random(backend, [C], rng));
  const pooled = keep(Tensor.empty([N, C, 1, 1], 'float32', backend));
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
  const [mean, invStd, rm, rv, dg, db] = [0, 1, 2, 3, 4, 5].map(() => keep(random(backend, [C], rng, 0.5, 1)));
  const kernels = {
    'batchNormTrain + ReLU': ({ x, y }) =>
      backend.batchNormTrain(x, gamma, beta, y, mean, invStd, rm, rv, 0.1, 1e-5, true),
    'batchNormBackward + ReLU': ({ x, dy, y, dx }) =>
      backend.batchNormBackward(x, dy, gamma, mean, invStd, dx, dg, db, true, y),
    'add + ReLU': ({ x, r, dx }) => backend.binary('add', x, r, dx, true),
    thresholdBackward: ({ x, dy, dx }) => backend.thresholdBackward(x, dy, 0, dx),
    // The shortcut into this stage: zero channels on both sides of the previous stage's output.
    ...(C >= 32 && {
      'pad (shortcut)': ({ half, y }) => backend.pad(half, shortcut, 'zero', 0, y),
      padBackward: ({ dy, half }) => backend.padBackward(dy, shortcut, 'zero', half),
      // Its subsampling: 2 × 2 average pooling with stride 2 of the previous stage's output.
      'avgPool2d 2 × 2 (shortcut)': ({ wide, half }) => backend.avgPool2d(wide, half, pairs),
      'avgPool2dBackward 2 × 2': ({ half, wide }) => backend.avgPool2dBackward(half, wide, pairs),
    }),
    ...(C === 64 && {
      'avgPool2d global': ({ x }) => backend.avgPool2d(x, pooled, whole),
      'avgPool2dBackward global': ({ dx }) => backend.avgPool2dBackward(pooled, dx, whole),
    }),
  };
  return Object.fromEntries(Object.entries(kernels).map(([name, f]) => [name, () => f(next())]));
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
    const made = [];
    const wasm = calls(backendByName('wasm'), shape, made);
    const native = calls(backendByName('native'), shape, made);
    for (const name of Object.keys(wasm)) {
      const w = median(wasm[name]);
      const n = median(native[name]);
      rows.push(`| ${name} | [${shape}] | ${threads} | ${w.toFixed(2)} | ${n.toFixed(2)} | ${(w / n).toFixed(2)}× |`);
    }
    for (const t of made) t.dispose();
  }
}
console.log('| kernel | shape | threads | wasm ms | native ms | wasm / native |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
