/**
 * funt's ResNet-20 against PyTorch, from the committed fixture that
 * scripts/pytorch/resnet_fixture.py wrote (no PyTorch needed here): the same random weights
 * and batch give the same log-probabilities, logits, loss, input gradient (eval and train
 * mode), weight gradients and batch-norm running statistics after one training step.
 *
 * The fixture holds the exact answer (computed in float64, rounded once to float32), so each
 * comparison measures funt's own rounding error, as max |funt - torch| / max |torch| over a
 * tensor: float32 arithmetic through 20 layers stays within FLOAT32_TOLERANCE, and the
 * reference backend in float64 within FLOAT64_TOLERANCE (the fixture's own rounding).
 *
 * ReLU kinks. A pre-activation within float32 rounding of 0 in the truth can land on the other
 * side of the kink in float32 (seen: 2e-5 and 7e-6 in the last stage-3 block). Its activation
 * still agrees within the tolerance, but the ReLU's derivative flips between 0 and 1 there, and
 * that one unit's gradient then moves the input gradient by far more than rounding (1.4e-2).
 * Such a flip says nothing about funt's kernels, so the float32 run takes the truth's side of
 * the kink for exactly those units: a leaf module's float32 output whose zero pattern differs
 * from the float64 run's (the reference backend in float64, which the last test holds to the
 * fixture) gets the float64 value at the differing units, provided the nonzero side is within
 * FLOAT32_TOLERANCE of the output's scale (what the comparisons accept anyway). A flip farther
 * from the kink is an error and fails the test; the substitutions are printed, and there may
 * be at most MAX_KINK_FLIPS of them. Nothing is excluded from the comparisons.
 */
import { ClassNLLCriterion, type Linear, type Module, type Sequential } from '@funt/layers';
import { getBackend, getDefaultDType, loadSafetensors, Rng, Tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { type ResnetArchitecture, resnet } from '../model/resnet.js';
import { loadNativeBackend } from '../native-backend.js';
import { fixture } from '../testing/fixtures.js';
import { TORCH_BATCH_COUNTER, torchStateToFunt, torchToFuntNames } from './torch-names.js';

const FIXTURE = fixture('resnet20-torch-crosscheck.safetensors');

/** The float32 comparisons run on wasm and, where it is built here, the native backend. */
const native = await loadNativeBackend();
if (!native.available) console.warn(`torch cross-check on the native backend skipped: ${native.reason}`);
const FLOAT32_BACKENDS = [
  { name: 'wasm', skip: false },
  { name: 'native', skip: !native.available },
];

/**
 * float32 funt vs the float64 truth, relative to each tensor's largest magnitude. Measured
 * over 105 comparisons: worst 1.36e-5 on the wasm backend (its Winograd convolutions
 * round more than direct ones), 7.9e-7 on the reference backend, both for the gradient of
 * layer3.2.bn1.weight (a sum over the batch with much cancellation).
 */
const FLOAT32_TOLERANCE = 2e-5;
/**
 * float64 funt vs the truth rounded to float32 (at most 2^-24 ≈ 6e-8 of a value). Measured:
 * worst 5.4e-8, i.e. nothing beyond the fixture's own rounding.
 */
const FLOAT64_TOLERANCE = 1e-7;

/**
 * Units allowed to take the truth's side of a ReLU kink per run (both modes). Expected: a few
 * of the ~1.5M ReLU units sit within float32 rounding of 0; many would mean a kernel error.
 */
const MAX_KINK_FLIPS = 6;

type Mode = 'eval' | 'train';

/** Every leaf module's output in one forward pass, copied as produced, by mode and module path. */
type Activations = Map<string, Float64Array>;

/** One unit whose float32 activation was on the other side of a ReLU kink than the truth's. */
interface KinkFlip {
  mode: Mode;
  path: string;
  index: number;
  float32: number;
  truth: number;
  /** The nonzero side relative to the largest |truth| of that output: its distance from the kink. */
  distance: number;
}

/**
 * Wraps the forward of every leaf module of `model` so that `visit(path, output)` sees (and may
 * change) each leaf's output before the next module reads it.
 */
function watchLeaves(model: Module, visit: (path: string, output: Tensor) => void): void {
  for (const [path, m] of model.namedModules()) {
    if (m.children().length > 0) continue;
    const forward = m.forward.bind(m);
    m.forward = (input) => {
      const output = forward(input);
      if (output instanceof Tensor) visit(path, output);
      return output;
    };
  }
}

/** Records the outputs of every leaf (the float64 run's activations, the truth for `takeKinkSides`). */
function recordActivations(model: Module, mode: () => Mode, into: Activations): void {
  watchLeaves(model, (path, output) => into.set(`${mode()}/${path}`, Float64Array.from(output.data)));
}

/**
 * Where a leaf's float32 output is zero and the truth's is not, or the reverse (a ReLU kink the
 * rounding crossed), sets the truth's value if the nonzero side is within FLOAT32_TOLERANCE of
 * the output's scale; records every such unit in `flips`, once (a forward that the memory plan
 * reruns for backward meets the same units again). The backward passes decide the ReLU's side
 * from the output (ReLU, and a batch norm or addition with its ReLU fused in: output > 0), so
 * the value set here is the side they take.
 */
function takeKinkSides(model: Module, mode: () => Mode, truth: Activations, flips: Map<string, KinkFlip>): void {
  watchLeaves(model, (path, output) => {
    const want = truth.get(`${mode()}/${path}`);
    if (want === undefined) throw new Error(`no float64 activation for ${mode()}/${path}`);
    const got = output.data;
    let scale = 0;
    for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
    for (let i = 0; i < want.length; i++) {
      if ((got[i] === 0) === (want[i] === 0)) continue;
      const distance = Math.abs(got[i] + want[i]) / Math.max(scale, 1e-30);
      flips.set(`${mode()}/${path}[${i}]`, { mode: mode(), path, index: i, float32: got[i], truth: want[i], distance });
      if (distance <= FLOAT32_TOLERANCE) got[i] = want[i];
    }
  });
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

interface Measured {
  name: string;
  error: number;
}

/** The fixture, and a funt ResNet-20 holding its weights (`fold`: batch norms folded for inference, resnet()'s default). */
function fixtureModel(fold: boolean): { fx: Record<string, Tensor>; config: ResnetArchitecture; model: Sequential } {
  const { tensors: fx, metadata } = loadSafetensors(FIXTURE, { dtype: getDefaultDType() });
  const config = JSON.parse(metadata.config);
  const model: Sequential = resnet({ ...config, skip: true, rng: new Rng(0) }, { fold });
  const weights = Object.fromEntries(
    Object.entries(fx)
      .filter(([k]) => k.startsWith('weights/'))
      .map(([k, t]) => [k.slice('weights/'.length), t]),
  );
  model.loadStateDict(torchStateToFunt(model, config, weights));
  return { fx, config, model };
}

/**
 * Loads the fixture into a fresh funt ResNet-20 and runs PyTorch's two passes (eval, then
 * train) on it; returns every comparison's relative error. `watch` may wrap the model's leaves
 * first (recordActivations, takeKinkSides), given the mode being run. The batch norms are not
 * folded: the kink substitution compares each leaf's output with the float64 run's, and the
 * evaluation pass a backward follows runs unfolded anyway (the folded pass is checked on its own).
 */
function crosscheck(watch: (model: Module, mode: () => Mode) => void = () => {}): Measured[] {
  const { fx, config, model } = fixtureModel(false);
  const pairs = torchToFuntNames(model, config);
  let current: Mode = 'eval';
  watch(model, () => current);
  const fc = model.get(model.length - 2) as Linear;
  const input = fx.input;
  const labels = fx.labels;
  const criterion = new ClassNLLCriterion();
  const measured: Measured[] = [];
  const check = (name: string, got: ArrayLike<number>, want: Tensor | undefined) => {
    if (want === undefined) throw new Error(`fixture has no '${name}'`);
    measured.push({ name, error: relativeError(got, want.data) });
  };

  for (const mode of ['eval', 'train'] as const) {
    current = mode;
    if (mode === 'eval') model.evaluate();
    else model.training();
    model.zeroGradParameters();
    const output = model.forward(input) as Tensor;
    check(`${mode}/output`, output.data, fx[`${mode}/output`]);
    check(`${mode}/logits`, (fc.output as Tensor).data, fx[`${mode}/logits`]);
    check(`${mode}/loss`, [criterion.forward(output, labels)], fx[`${mode}/loss`]);
    const gradInput = model.backward(input, criterion.backward(output, labels)) as Tensor;
    check(`${mode}/grad_input`, gradInput.data, fx[`${mode}/grad_input`]);
  }
  const params = Object.fromEntries(model.parameters().map((p) => [p.name, p.grad]));
  const state = model.stateDict();
  for (const { torch, funt } of pairs) {
    if (torch.endsWith('running_mean') || torch.endsWith('running_var'))
      check(`train/running/${torch}`, state[funt].data, fx[`train/running/${torch}`]);
    else check(`train/grad/${torch}`, params[funt].data, fx[`train/grad/${torch}`]);
  }
  model.dispose();
  for (const t of Object.values(fx)) t.dispose();
  return measured;
}

function report(label: string, measured: Measured[]): void {
  if (!process.env.FUNT_INTEROP_REPORT) return;
  const worst = [...measured].sort((a, b) => b.error - a.error).slice(0, 5);
  console.info(
    `${label} on ${getBackend().name}: ${measured.length} comparisons, worst ${worst.map((m) => `${m.name} ${m.error.toExponential(2)}`).join(', ')}`,
  );
}

describe('ResNet-20 against PyTorch (committed fixture)', () => {
  it('maps every PyTorch parameter and running statistic to a funt stateDict entry, one to one', () => {
    const { tensors: fx, metadata } = loadSafetensors(FIXTURE);
    const config = JSON.parse(metadata.config);
    const model = resnet({ ...config, skip: true, rng: new Rng(0) });
    const pairs = torchToFuntNames(model, config);
    const torchNames = Object.keys(fx)
      .filter((k) => k.startsWith('weights/'))
      .map((k) => k.slice('weights/'.length));
    expect(pairs.map((p) => p.torch).sort()).toEqual(torchNames.filter((k) => !k.endsWith(TORCH_BATCH_COUNTER)).sort());
    expect(pairs.map((p) => p.funt).sort()).toEqual(Object.keys(model.stateDict()).sort());
    // Spot checks of the documented mapping (README.md): stem, a stage-2 block, the classifier.
    const funtOf = Object.fromEntries(pairs.map((p) => [p.torch, p.funt]));
    expect(funtOf['conv1.weight']).toBe('0.weight');
    expect(funtOf['bn1.running_var']).toBe('1.running_var');
    expect(funtOf['layer1.0.conv1.weight']).toBe('3.0.0.0.weight');
    expect(funtOf['layer2.0.bn2.bias']).toBe('6.0.0.4.bias');
    expect(funtOf['layer3.2.conv2.weight']).toBe('11.0.0.3.weight');
    expect(funtOf['fc.weight']).toBe('14.weight');
    // The fixture can tell the modes apart: batch statistics differ from the running ones, and
    // the training step moves the running statistics.
    expect(relativeError(fx['train/output'].data, fx['eval/output'].data)).toBeGreaterThan(1e-2);
    expect(
      relativeError(fx['train/running/layer2.1.bn1.running_var'].data, fx['weights/layer2.1.bn1.running_var'].data),
    ).toBeGreaterThan(1e-3);
    model.dispose();
    for (const t of Object.values(fx)) t.dispose();
  });

  // The float64 run: its comparisons (the last test) and its activations (the float32 test's truth).
  let float64: { measured: Measured[]; activations: Activations } | undefined;
  const runFloat64 = () => {
    float64 ??= withBackend(
      'reference',
      () => {
        const activations: Activations = new Map();
        const measured = crosscheck((model, mode) => recordActivations(model, mode, activations));
        report('float64', measured);
        return { measured, activations };
      },
      'float64',
    );
    return float64;
  };

  for (const backend of FLOAT32_BACKENDS) {
    it.skipIf(backend.skip)(
      `float32 on ${backend.name} (${FLOAT32_TOLERANCE} relative): outputs, logits, loss and input gradient in eval and train mode, every weight gradient, running statistics after the step`,
      () => {
        const { activations } = runFloat64();
        withBackend(backend.name, () => {
          const units = new Map<string, KinkFlip>();
          const measured = crosscheck((model, mode) => takeKinkSides(model, mode, activations, units));
          const flips = [...units.values()];
          report('float32', measured);
          if (flips.length > 0) {
            const shown = [...flips].sort((a, b) => b.distance - a.distance).slice(0, 10);
            console.info(
              `float32 on ${getBackend().name}: ${flips.length} unit(s) on the other side of a ReLU kink than the truth, given the truth's side (distance = nonzero side / scale of that output; farthest first):\n${shown
                .map(
                  (f) =>
                    `  ${f.mode}/${f.path}[${f.index}]: float32 ${f.float32.toExponential(2)}, truth ${f.truth.toExponential(2)}, distance ${f.distance.toExponential(2)}`,
                )
                .join('\n')}${flips.length > shown.length ? `\n  ... and ${flips.length - shown.length} more` : ''}`,
            );
          }
          for (const f of flips)
            expect(
              f.distance,
              `${f.mode}/${f.path}[${f.index}]: a sign flip farther from the kink than rounding`,
            ).toBeLessThanOrEqual(FLOAT32_TOLERANCE);
          expect(flips.length, 'units on the other side of a ReLU kink').toBeLessThanOrEqual(MAX_KINK_FLIPS);
          // 4 per mode; gradients of 19 conv weights, 19 BN weights and biases, fc weight and bias;
          // 19 BN running means and variances.
          expect(measured.length).toBe(8 + 19 + 19 * 2 + 2 + 19 * 2);
          for (const m of measured) expect(m.error, m.name).toBeLessThan(FLOAT32_TOLERANCE);
        });
      },
    );

    it.skipIf(backend.skip)(
      `folded for inference (the default), float32 on ${backend.name} (${FLOAT32_TOLERANCE} relative): the evaluation outputs and logits`,
      () => {
        withBackend(backend.name, () => {
          const { fx, model } = fixtureModel(true);
          model.evaluate();
          const output = model.forward(fx.input) as Tensor;
          expect(relativeError(output.data, fx['eval/output'].data)).toBeLessThan(FLOAT32_TOLERANCE);
          const fc = model.get(model.length - 2) as Linear;
          expect(relativeError((fc.output as Tensor).data, fx['eval/logits'].data)).toBeLessThan(FLOAT32_TOLERANCE);
          // It folded: the stem's batch norm passed its convolution's output through.
          expect(model.get(1).output).toBe(model.get(0).output);
          model.dispose();
          for (const t of Object.values(fx)) t.dispose();
        });
      },
    );
  }

  it(`float64 on the reference backend (${FLOAT64_TOLERANCE} relative): the same comparisons, down to the fixture's float32 rounding`, () => {
    for (const m of runFloat64().measured) expect(m.error, m.name).toBeLessThan(FLOAT64_TOLERANCE);
  });
});
