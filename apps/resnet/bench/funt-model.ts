/**
 * The model and the step both funt children of the benchmark time (funt-step.ts, funt-scaling.ts):
 * the Solver's iteration (forward, NLL loss, zeroed gradients, backward, update) with
 * @funt/solver's SGD rule (Nesterov momentum 0.9, weight decay 1e-4), or a forward pass in
 * evaluation mode.
 *
 * FUNT_MEMORY_PLAN=off runs the model without its memory plan (every module keeps its own
 * buffers), for A/B measurements of peak memory.
 */
import type { Sequential } from '@funt/layers';
import { getBackend, normal, Rng, setBackend } from '@funt/tensor';
import { type ResnetArchitecture, resnet } from '../src/model/resnet.js';
import { benchmarkStep } from '../src/training/benchmark-step.js';
import { CLASSES, FILTERS, INPUT_SHAPE, modelName, type StepConfig } from './config.js';
// Relaxed SIMD on, as funt-resnet turns it on, before the kernels load.
import './kernel-build.js';
import type { RunIdentity } from './measurement.js';

/**
 * The backend FUNT_BACKEND names; for 'native', @funt/tensor-native is imported first (it
 * registers the backend where its addon is built). Both funt children call this before anything
 * touches a tensor.
 */
export async function useBackendFromEnvironment(): Promise<void> {
  const name = process.env.FUNT_BACKEND;
  if (name !== 'native') return;
  const { nativeStatus } = await import('@funt/tensor-native');
  const status = nativeStatus();
  if (!status.available) throw new Error(`the native backend is not available: ${status.reason}`);
  setBackend('native');
}

/** What both funt children's records say about the run: funt (or funt native), its backend, the model and the configuration. */
export function funtIdentity(c: Pick<StepConfig, 'n' | 'mode' | 'threads' | 'batch'>): RunIdentity {
  const backend = getBackend().name;
  return {
    impl: backend === 'native' ? 'native' : 'funt',
    backend,
    model: modelName(c.n),
    n: c.n,
    mode: c.mode,
    threads: c.threads,
    batch: c.batch,
  };
}

/** The benchmark's network: He et al.'s CIFAR ResNet with n blocks per stage. */
export function benchArchitecture(n: number): ResnetArchitecture {
  return { n, filters: FILTERS, inputShape: INPUT_SHAPE, classes: CLASSES, skip: true, hiddenDims: [] };
}

/**
 * The seeded network every child measures: its initial values (convolutions, batch-norm scales,
 * classifier) are the first draws of `rng`, so every process (and every model of one process)
 * builds the same network from the same generator state.
 */
export function benchModel(n: number, rng: Rng): Sequential {
  return resnet({ ...benchArchitecture(n), rng });
}

/** A training step or an inference pass of a fresh, seeded ResNet on one random batch. */
export function makeStep(c: Pick<StepConfig, 'n' | 'mode' | 'batch'>): () => void {
  const rng = new Rng(0);
  const model = benchModel(c.n, rng);
  if (process.env.FUNT_MEMORY_PLAN === 'off') model.planMemory(false);
  const x = normal([c.batch, ...INPUT_SHAPE], rng, 0, 1);
  const y = Int32Array.from({ length: c.batch }, () => rng.int(CLASSES));
  return benchmarkStep(model, x, y, c.mode === 'infer' ? 'inference' : 'training');
}
