import { copy, getBackend, listBackends, mul, normal, Rng, type Tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it, vi } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { Tanh } from '../activations/tanh.js';
import { Parallel } from '../containers/parallel.js';
import { Sequential } from '../containers/sequential.js';
import { ClassNLLCriterion } from '../criteria/class-nll-criterion.js';
import { Linear } from '../dense/linear.js';
import { View } from '../dense/view.js';
import type { Activity } from '../module/activity.js';
import type { Container } from '../module/container.js';
import { Module } from '../module/module.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { residualNet } from '../testing/networks.js';
import { cachedOutputAndGradient, type MemoryUse } from './memory-use.js';

const backends = listBackends().includes('wasm') ? ['reference', 'wasm'] : ['reference'];
if (backends.length === 1) console.info('memory plan: wasm cases skipped, the wasm backend is not registered');

/** The same network twice (same weights), with and without the memory plan. */
function twins(build: () => Container): [Container, Container] {
  const planned = build();
  const plain = build().planMemory(false);
  plain.loadStateDict(planned.stateDict());
  return [planned, plain];
}

type Records = [string, number[]][];

/** Everything a user can read after a pass: the model's output and gradInput, every parameter gradient and buffer. */
function record(into: Records, label: string, net: Module, what: ('output' | 'gradInput')[]): void {
  for (const w of what) {
    const t = net[w] as Tensor;
    into.push([`${label} ${w}`, Array.from(t.data)]);
  }
  if (what.includes('gradInput'))
    for (const p of net.parameters()) into.push([`${label} ${p.name}.grad`, Array.from(p.grad.data)]);
  for (const b of net.buffers()) into.push([`${label} ${b.name}`, Array.from(b.value.data)]);
}

/**
 * Training steps (with an update, so that steps differ), a change of batch size, evaluation,
 * saliency-style gradients in evaluation (backward, and updateGradInput + accGradParameters),
 * then training again; returns what was read after each pass.
 */
function session(net: Container, inputShape: number[], classes: number): Records {
  const out: Records = [];
  const rng = new Rng(7);
  const loss = new ClassNLLCriterion();
  const batch = (n: number) => ({
    x: normal([n, ...inputShape], rng),
    y: Int32Array.from({ length: n }, () => rng.int(classes)),
  });
  const train = (label: string, n: number) => {
    const { x, y } = batch(n);
    net.zeroGradParameters();
    const scores = net.forward(x) as Tensor;
    loss.forward(scores, y);
    net.backward(x, loss.backward(scores, y));
    record(out, label, net, ['output', 'gradInput']);
    for (const p of net.parameters()) for (let i = 0; i < p.value.size; i++) p.value.data[i] -= 0.1 * p.grad.data[i];
  };
  net.training();
  train('train 1', 4);
  train('train 2', 4);
  train('train batch 2', 2);
  train('train batch 4 again', 4);
  net.evaluate();
  for (const label of ['eval 1', 'eval 2']) {
    net.forward(batch(4).x);
    record(out, label, net, ['output']);
  }
  const { x, y } = batch(4);
  const scores = net.forward(x) as Tensor;
  const g = loss.backward(scores, y);
  net.zeroGradParameters();
  net.backward(x, g);
  record(out, 'eval backward', net, ['output', 'gradInput']);
  net.forward(batch(4).x);
  record(out, 'eval after backward', net, ['output']);
  net.forward(x);
  net.zeroGradParameters();
  net.updateGradInput(x, g);
  net.accGradParameters(x, g);
  record(out, 'eval updateGradInput', net, ['output', 'gradInput']);
  net.training();
  train('train after eval', 4);
  return out;
}

/** Parallel, Tanh (its backward reads its output) and View, which the residual net lacks. */
function parallelNet(): Sequential {
  const branch = () => new Sequential(new Linear(4, 3), new Tanh(), new Linear(3, 3), new ReLU(true));
  return new Sequential(new Parallel(1, 1).add(branch()).add(branch()), new ReLU(), new View(-1, 6), new Linear(6, 3));
}

/** Distinct storages among the tensors, counted by pairwise sharing. */
function distinctStorages(ts: Tensor[]): number {
  const kept: Tensor[] = [];
  for (const t of ts) if (!kept.some((k) => k.sharesStorageWith(t))) kept.push(t);
  return kept.length;
}

/** Intermediate (non-root) tensors of the tree under `field`. */
function intermediate(net: Module, field: 'output' | 'gradInput'): Tensor[] {
  return net
    .namedModules()
    .filter(([path]) => path !== '')
    .map(([, m]) => m[field])
    .filter((t): t is Tensor => t !== null && !Array.isArray(t));
}

describe('the memory plan', () => {
  for (const backend of backends) {
    it(`changes no result: outputs, gradInput, parameter gradients and buffers are bit-identical with and without it (${backend})`, () => {
      withBackend(
        backend,
        () => {
          for (const [build, shape, classes] of [
            [() => residualNet(true), [3, 8, 8], 5],
            [parallelNet, [2, 4], 3],
          ] as const) {
            const [planned, plain] = twins(build);
            const a = session(planned, [...shape], classes);
            const b = session(plain, [...shape], classes);
            expect(a.map(([label]) => label)).toEqual(b.map(([label]) => label));
            a.forEach(([label, values], i) => expect(values, label).toEqual(b[i][1]));
            planned.dispose();
            plain.dispose();
          }
        },
        'float32',
      );
    });
  }

  it('shares intermediate outputs in evaluation, and gradients and unread outputs in training, but never the output or input gradient', () => {
    withBackend(
      'reference',
      () => {
        const [planned, plain] = twins(() => residualNet(true));
        const x = normal([4, 3, 8, 8], new Rng(1));
        for (const net of [planned, plain]) net.evaluate().forward(x);
        const n = intermediate(plain, 'output').length;
        expect(distinctStorages(intermediate(plain, 'output'))).toBeGreaterThan(n / 2);
        expect(distinctStorages(intermediate(planned, 'output'))).toBeLessThanOrEqual(5);
        expect(planned.memoryPlan('eval')!.stats().slots).toBeLessThanOrEqual(4);
        const out = planned.output as Tensor;
        expect(intermediate(planned, 'output').filter((t) => t !== out && t.sharesStorageWith(out))).toEqual([]);

        for (const net of [planned, plain]) {
          const scores = net.training().forward(x) as Tensor;
          net.backward(x, zeros(scores.shape));
        }
        const grads = intermediate(planned, 'gradInput');
        expect(distinctStorages(grads)).toBeLessThanOrEqual(5);
        const gin = planned.gradInput as Tensor;
        expect(grads.filter((t) => t !== gin && t.sharesStorageWith(gin))).toEqual([]);
        // Training keeps what backward reads, valid after the step: every convolution's output (a batch norm's input)...
        const convOutputs = (net: Module) =>
          net
            .namedModules()
            .filter(([, m]) => m instanceof SpatialConvolution)
            .map(([, m]) => Array.from((m.output as Tensor).data));
        expect(convOutputs(planned)).toEqual(convOutputs(plain));
        // ...and shares what it never reads (a block's last batch norm output, which only CAddTable sums).
        expect(distinctStorages(intermediate(planned, 'output'))).toBeLessThan(
          distinctStorages(intermediate(plain, 'output')),
        );
      },
      'float32',
    );
  });

  it('allocates nothing for its buffers in a second pass (evaluation), as in training', () => {
    for (const backend of backends) {
      withBackend(
        backend,
        () => {
          const [planned, plain] = twins(() => residualNet(true));
          const x = normal([4, 3, 8, 8], new Rng(1));
          const spy = vi.spyOn(getBackend().allocator, 'allocate');
          const secondPass = (net: Module) => {
            net.evaluate().forward(x);
            spy.mockClear();
            net.forward(x);
            return spy.mock.calls.length;
          };
          // Batch norm's evaluation kernel call allocates a little of its own each pass, with or
          // without the plan; the plan must add nothing to that.
          const withPlan = secondPass(planned);
          expect(withPlan).toBe(secondPass(plain));
          const outputs = planned.namedModules().map(([, m]) => m.output);
          planned.forward(x);
          planned.namedModules().forEach(([, m], i) => expect(m.output).toBe(outputs[i]));
          spy.mockRestore();
        },
        'float32',
      );
    }
  });

  it('reruns an evaluation forward once backward needs its outputs, then keeps outputs in evaluation', () => {
    withBackend(
      'reference',
      () => {
        const net = residualNet(true).evaluate();
        const first = net.get(0);
        const calls = vi.spyOn(first, 'updateOutput');
        const x = normal([2, 3, 8, 8], new Rng(1));
        const scores = net.forward(x) as Tensor;
        net.backward(x, zeros(scores.shape));
        expect(calls).toHaveBeenCalledTimes(2);
        expect(net.output).toBe(scores); // the model's output is the same tensor, recomputed identically
        net.forward(x);
        net.backward(x, zeros(scores.shape));
        expect(calls).toHaveBeenCalledTimes(3);
        expect(net.memoryPlan('eval-keep')).not.toBeNull();
      },
      'float32',
    );
  });

  it('leaves a child called on its own, and a model with planMemory(false), to their own buffers', () => {
    withBackend(
      'reference',
      () => {
        const net = residualNet(true).evaluate();
        const x = normal([2, 3, 8, 8], new Rng(1));
        const block = net.get(3) as Sequential;
        const y = block.forward(normal([2, 4, 8, 8], new Rng(2))) as Tensor;
        expect(net.memoryPlan('eval')).toBeNull();
        net.forward(x);
        expect(net.memoryPlan('eval')).not.toBeNull();
        net.planMemory(false);
        expect(net.memoryPlan('eval')).toBeNull();
        net.forward(x);
        const outs = intermediate(net, 'output');
        expect(distinctStorages(outs)).toBeGreaterThan(outs.length / 2);
        expect(y.isDisposed).toBe(false);
      },
      'float32',
    );
  });

  it('copes with a module that returns what it was given against its declaration: same results, and the next plan knows', () => {
    /** Declares its output and gradInput its own, but returns its input (or, with `inBackward`, its gradOutput). */
    class Sneaky extends Module {
      constructor(private readonly inBackward: boolean) {
        super();
      }
      override memoryUse(): MemoryUse {
        return cachedOutputAndGradient;
      }
      override updateOutput(input: Activity): Activity {
        return this.inBackward ? copy(input as Tensor, this.cache.like('output', input as Tensor)) : input;
      }
      override updateGradInput(_input: Activity, gradOutput: Activity): Activity {
        return this.inBackward
          ? gradOutput
          : copy(gradOutput as Tensor, this.cache.like('gradInput', gradOutput as Tensor));
      }
    }
    withBackend(
      'reference',
      () => {
        for (const inBackward of [false, true]) {
          const build = () =>
            new Sequential(
              new Linear(4, 4),
              new Tanh(),
              new Sneaky(inBackward),
              new Linear(4, 4),
              new Tanh(),
              new Linear(4, 2),
            );
          const [planned, plain] = twins(build);
          if (!inBackward) {
            planned.evaluate();
            plain.evaluate();
          }
          for (let pass = 0; pass < 3; pass++) {
            const x = normal([2, 4], new Rng(pass));
            const results = [planned, plain].map((net) => {
              const y = net.forward(x) as Tensor;
              const out = Array.from(y.data);
              if (!inBackward) return [out];
              net.zeroGradParameters();
              net.backward(x, normal(y.shape, new Rng(10 + pass)));
              return [
                out,
                Array.from((net.gradInput as Tensor).data),
                ...net.parameters().map((p) => Array.from(p.grad.data)),
              ];
            });
            expect(results[0]).toEqual(results[1]);
          }
          const plan = planned.memoryPlan(inBackward ? 'train' : 'eval')!;
          expect(plan.broken).toBe(false); // the plan made after the first pass treats Sneaky as aliasing
        }
      },
      'float32',
    );
  });
  it('leaves a module that declares nothing unplanned: bit-identical training, and its tensors stay its own', () => {
    /** y = 2x and dx = 2·dy in tensors of its own cache, with no memory declaration (a user's module written for Torch). */
    class Double extends Module {
      override updateOutput(input: Activity): Tensor {
        return mul(input as Tensor, 2, this.cache.like('output', input as Tensor));
      }
      override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
        return mul(gradOutput as Tensor, 2, this.cache.like('gradInput', input as Tensor));
      }
    }
    /** Returns its input and its gradOutput, without saying so. */
    class PassThrough extends Module {
      override updateOutput(input: Activity): Activity {
        return input;
      }
      override updateGradInput(_input: Activity, gradOutput: Activity): Activity {
        return gradOutput;
      }
    }
    const build = () =>
      new Sequential(
        new Linear(4, 6),
        new Double(),
        new Tanh(),
        new PassThrough(),
        new Linear(6, 6),
        new ReLU(true),
        new Double(),
        new Linear(6, 3),
      );
    for (const backend of backends) {
      withBackend(
        backend,
        () => {
          const [planned, plain] = twins(build);
          const a = session(planned, [4], 3);
          const b = session(plain, [4], 3);
          expect(a.map(([label]) => label)).toEqual(b.map(([label]) => label));
          a.forEach(([label, values], i) => expect(values, label).toEqual(b[i][1]));

          planned.dispose();
          plain.dispose();

          // The plan shares the other modules' tensors, never those of the modules that declare nothing.
          const net = build();
          const doubles = [net.get(1), net.get(6)];
          const ownTensors = (field: 'output' | 'gradInput') => {
            const all = net.namedModules().map(([, m]) => m[field] as Tensor);
            for (const own of doubles.map((m) => m[field] as Tensor))
              expect(all.filter((t) => t !== own && t.sharesStorageWith(own))).toEqual([]);
          };
          const x = normal([4, 4], new Rng(3));
          for (let pass = 0; pass < 2; pass++) {
            net.evaluate().forward(x);
            expect(net.memoryPlan('eval')!.stats().shared).toBeGreaterThan(0);
            expect(net.memoryPlan('eval')!.broken).toBe(false);
            ownTensors('output');
          }
          for (let step = 0; step < 2; step++) {
            const y = net.training().forward(x) as Tensor;
            net.backward(x, normal(y.shape, new Rng(4)));
            expect(net.memoryPlan('train')!.stats().shared).toBeGreaterThan(0);
            expect(net.memoryPlan('train')!.broken).toBe(false);
            ownTensors('gradInput');
          }
          net.dispose();
        },
        'float32',
      );
    }
  });
});
