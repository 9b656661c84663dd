import { type DType, fill, keep, Tensor, toActive, withBackend, zeros } from '@funt/tensor';
import type { InitOptions } from '../init/initializers.js';
import type { MemoryUse } from '../plan/memory-use.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';
import type { Activity } from './activity.js';
import { expectSameShape, expectTensor } from './checks.js';
import { describeShape, LayerError } from './errors.js';
import { TensorCache } from './tensor-cache.js';
import { typeNameOf } from './type-name.js';

/** A trainable tensor and its gradient. `name` is the path from the module it was asked of, e.g. `0.weight`. */
export interface Parameter {
  name: string;
  value: Tensor;
  grad: Tensor;
}

/** Non-trainable state saved with the model (batch norm's running_mean and running_var). */
export interface StateBuffer {
  name: string;
  value: Tensor;
}

/**
 * The base of every layer and container, after Lua Torch's `nn.Module`.
 *
 * `forward(input)` computes and keeps `output`; `backward(input, gradOutput)` computes and
 * keeps `gradInput` and ADDS this batch's parameter gradients to the `grad` of each parameter
 * (call `zeroGradParameters()` between steps). A subclass implements `updateOutput`,
 * `updateGradInput` and, when it has parameters, `accGradParameters`, side by side.
 *
 * Tensors a module returns (`output`, `gradInput`) belong to it and are overwritten by the next
 * call; they may also be views of, or the very tensor given as, the input (Identity, View,
 * in-place ReLU). Clone what you want to keep.
 */
export abstract class Module {
  output: Activity | null = null;
  gradInput: Activity | null = null;
  isTraining = true;

  /** Buffers kept between calls (output, gradInput, intermediates), reused while shapes match. */
  protected readonly cache = new TensorCache();
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly ownBuffers = new Map<string, StateBuffer>();
  private pathInTree = '';

  /** The class name, used in messages and printouts (type-name.ts: it survives minification). */
  get typeName(): string {
    return typeNameOf(this);
  }

  /** The module's path in the container tree ('' for the root, '4.0.0' for a nested child). Set by containers. */
  get path(): string {
    return this.pathInTree;
  }

  set path(p: string) {
    this.pathInTree = p;
    const kids = this.children();
    for (let i = 0; i < kids.length; i++) kids[i].path = p === '' ? String(i) : `${p}.${i}`;
  }

  /** Direct sub-modules (none for a layer). */
  children(): Module[] {
    return [];
  }

  // ---- computation ------------------------------------------------------------------------

  /** Computes the output for `input`, keeps it in `output` and returns it. */
  forward(input: Activity): Activity {
    this.output = this.updateOutput(input);
    return this.output;
  }

  /**
   * Computes the gradient w.r.t. the input (kept in `gradInput`) and accumulates parameter
   * gradients. `input` must be the input of the last forward.
   */
  backward(input: Activity, gradOutput: Activity): Activity {
    this.gradInput = this.updateGradInput(input, gradOutput);
    this.accGradParameters(input, gradOutput);
    return this.gradInput;
  }

  /** Returns the output for `input` (use `forward`, which also keeps it). */
  abstract updateOutput(input: Activity): Activity;
  /** Returns the gradient w.r.t. `input` (use `backward`, which also keeps it). */
  abstract updateGradInput(input: Activity, gradOutput: Activity): Activity;
  /** Adds this batch's parameter gradients to each parameter's `grad`. */
  accGradParameters(_input: Activity, _gradOutput: Activity): void {}

  /** The output of the last forward, which some backward passes read (Sigmoid, Tanh, SoftMax). */
  protected outputTensor(): Tensor {
    if (!(this.output instanceof Tensor)) throw new LayerError(this, 'backward called before forward');
    return this.output;
  }

  /** gradOutput as a tensor of the shape of the last output (a LayerError otherwise). */
  protected gradOutputTensor(gradOutput: Activity): Tensor {
    const g = expectTensor(this, gradOutput, 'gradOutput');
    const y = this.output;
    if (y instanceof Tensor) expectSameShape(this, y, g, 'gradOutput (vs output)');
    return g;
  }

  // ---- the memory plan (plan/memory-use.ts) ---------------------------------------------------

  /**
   * How this module uses memory, which lets a model's memory plan share its output and gradInput
   * with other modules' (plan/memory-use.ts says what to declare). The default, null, declares
   * nothing: always correct, the plan then leaves this module's tensors its own.
   */
  memoryUse(): MemoryUse | null {
    return null;
  }

  /**
   * Whether backward may write into the gradOutput it is given (in-place ReLU does, as in Torch):
   * containers that hand one tensor to several branches protect the others from such a branch.
   * A module that declares nothing may.
   */
  writesGradOutput(): boolean {
    return this.memoryUse()?.writesGradOutput ?? true;
  }

  /** The memory plan's replay of forward (containers override it to mirror theirs). */
  planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    return plan.forwardOf(this, this.memoryUse(), this.cache, input);
  }

  /** The memory plan's replay of backward (containers override it to mirror theirs). */
  planBackward(plan: PlanBuilder, gradOutput: PlannedActivity): PlannedActivity {
    return plan.backwardOf(this, this.memoryUse(), this.cache, gradOutput);
  }

  // ---- parameters and state -----------------------------------------------------------------

  /** Creates a parameter (zeros) and its gradient (zeros) on the active backend. */
  protected addParameter(name: string, shape: readonly number[], dtype?: DType): Parameter {
    const p: Parameter = { name, value: keep(zeros(shape, dtype)), grad: keep(zeros(shape, dtype)) };
    this.ownParameters.set(name, p);
    return p;
  }

  /** Drops a parameter (`noBias()`). */
  protected removeParameter(name: string): void {
    const p = this.ownParameters.get(name);
    if (!p) return;
    p.value.dispose();
    p.grad.dispose();
    this.ownParameters.delete(name);
  }

  /** The module's own parameter `name`, or null when it has none of that name. */
  protected parameter(name: string): Parameter | null {
    return this.ownParameters.get(name) ?? null;
  }

  /**
   * Registers `value` as this module's non-trainable state `name` (running statistics, say): it is
   * saved and loaded by `stateDict`/`loadStateDict`, moved by `to`, and exempt from `tidy`. The
   * module owns the tensor from then on.
   */
  protected addBuffer(name: string, value: Tensor): StateBuffer {
    const b: StateBuffer = { name, value: keep(value) };
    this.ownBuffers.set(name, b);
    return b;
  }

  /** This module's own buffer `name`; throws when it has none of that name. */
  protected buffer(name: string): StateBuffer {
    const b = this.ownBuffers.get(name);
    if (!b) throw new Error(`${this.typeName}: no buffer '${name}'`);
    return b;
  }

  /** Every module of the tree with its path relative to this one ('' for this module). */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [['', this]];
    const kids = this.children();
    for (let i = 0; i < kids.length; i++) {
      for (const [p, m] of kids[i].namedModules()) out.push([p === '' ? String(i) : `${i}.${p}`, m]);
    }
    return out;
  }

  /** Every trainable tensor of the tree with its gradient, named by path ('0.weight'); stable order. */
  parameters(): Parameter[] {
    const out: Parameter[] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const p of m.ownParameters.values()) out.push({ name: join(prefix, p.name), value: p.value, grad: p.grad });
    }
    return out;
  }

  /** Every non-trainable state tensor of the tree, named by path ('1.running_mean'). */
  buffers(): StateBuffer[] {
    const out: StateBuffer[] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const b of m.ownBuffers.values()) out.push({ name: join(prefix, b.name), value: b.value });
    }
    return out;
  }

  /** Number of trainable scalars in the tree. */
  parameterCount(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.value.size;
    return n;
  }

  /**
   * Sets the gradient of every parameter in the tree to 0. `backward` adds to the gradients, so call
   * this before each step's backward.
   */
  zeroGradParameters(): void {
    for (const p of this.parameters()) fill(p.grad, 0);
  }

  /**
   * Parameters and buffers by name, module by module (each module's parameters, then its
   * buffers, then its children's). The values are the live tensors, not copies.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      for (const p of m.ownParameters.values()) out[join(prefix, p.name)] = p.value;
      for (const b of m.ownBuffers.values()) out[join(prefix, b.name)] = b.value;
    }
    return out;
  }

  /**
   * Copies values into this module's parameters and buffers (converting dtype and backend as
   * needed). Checks everything first, and throws one LayerError listing every missing,
   * unexpected (only when `strict`, the default) and mis-shaped entry; nothing is copied then.
   */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    if (missing.length > 0) problems.push(`missing ${missing.map((k) => `'${k}'`).join(', ')}`);
    if (strict && unexpected.length > 0) problems.push(`unexpected ${unexpected.map((k) => `'${k}'`).join(', ')}`);
    for (const [k, t] of Object.entries(own)) {
      const s = state[k];
      if (s === undefined) continue;
      if (s.rank !== t.rank || s.shape.some((d, i) => d !== t.shape[i])) {
        problems.push(`'${k}' has shape ${describeShape(s.shape)}, expected ${describeShape(t.shape)}`);
      }
    }
    if (problems.length > 0) throw new LayerError(this, `loadStateDict: ${problems.join('; ')}`);
    // TypedArray.set converts between float32 and float64 and reads any backend's memory.
    for (const [k, t] of Object.entries(own)) if (state[k] !== undefined) t.data.set(state[k].data);
  }

  // ---- modes, initialisation, placement -----------------------------------------------------

  /** Training mode (batch statistics, dropout on), for the whole tree. */
  training(): this {
    for (const [, m] of this.namedModules()) m.isTraining = true;
    return this;
  }

  /** Evaluation mode (running statistics, dropout off), for the whole tree. */
  evaluate(): this {
    for (const [, m] of this.namedModules()) m.isTraining = false;
    return this;
  }

  /** Re-initialises parameters (see `init.ts`); containers reset every child. */
  reset(options: InitOptions = {}): this {
    for (const c of this.children()) c.reset(options);
    return this;
  }

  /**
   * Moves (copies) every parameter, gradient and buffer of the tree to another backend and/or
   * dtype, and drops the kept outputs. Lists from `parameters()` taken before are stale.
   */
  to(backend: string, dtype?: DType): this {
    const move = (t: Tensor): Tensor => {
      const moved = withBackend(backend, () => keep(toActive(t, dtype ?? t.dtype)));
      if (moved !== t) t.dispose();
      return moved;
    };
    for (const [, m] of this.namedModules()) {
      for (const p of m.ownParameters.values()) {
        p.value = move(p.value);
        p.grad = move(p.grad);
      }
      for (const b of m.ownBuffers.values()) b.value = move(b.value);
      m.releaseCache();
    }
    return this;
  }

  /** Frees every kept output, gradient and intermediate of the tree (Torch's `clearState`); they are reallocated when needed. */
  clearState(): this {
    for (const [, m] of this.namedModules()) m.releaseCache();
    return this;
  }

  /** Frees this module's kept outputs and intermediates (they are reallocated on the next call). */
  protected releaseCache(): void {
    this.cache.dispose();
    this.output = null;
    this.gradInput = null;
  }

  /** Frees everything the tree owns: outputs, gradients, parameters, buffers. The module is unusable afterwards. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      m.releaseCache();
      for (const p of m.ownParameters.values()) {
        p.value.dispose();
        p.grad.dispose();
      }
      for (const b of m.ownBuffers.values()) b.value.dispose();
    }
  }

  /**
   * The multiply-accumulates of this module's own arithmetic in its last forward pass, over the
   * whole batch: what a convolution or a linear layer does per weight and output; 0 for the
   * rest (element-wise layers, containers: `summary` adds up a container's subtree).
   */
  multiplyAccumulates(): number {
    return 0;
  }

  // ---- printing -----------------------------------------------------------------------------

  /** The constructor arguments worth printing, e.g. `3 -> 16, 3x3, 1,1, 1,1`. */
  protected describe(): string {
    return '';
  }

  /** One line: the type and its arguments, e.g. `SpatialConvolution(3 -> 16, 3x3, 1,1, 1,1)`. */
  toStringShort(): string {
    const d = this.describe();
    return d === '' ? this.typeName : `${this.typeName}(${d})`;
  }

  /** The module (for a container: the tree, one child per line). */
  toString(): string {
    return this.toStringShort();
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}
