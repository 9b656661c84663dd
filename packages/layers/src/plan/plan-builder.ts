import type { Named } from '../module/errors.js';
import type { TensorCache } from '../module/tensor-cache.js';
import type { MemoryUse } from './memory-use.js';

/**
 * Which tensors share (memory-plan.ts): 'train', 'eval' (intermediate outputs share; batch norms
 * fold into their convolutions, batch-norm-fold.ts), 'eval-keep' (an evaluation pass a backward
 * will follow: shares as in training).
 */
export type PlanPolicy = 'train' | 'eval' | 'eval-keep';

/** A tensor of the plan: the one under `key` in `cache`, written at tick `written` and read until `lastRead`. */
export class PlannedTensor {
  lastRead: number;
  /** Kept out of sharing: the model's output or input gradient, or a key written twice in one pass. */
  pinned = false;

  constructor(
    readonly cache: TensorCache,
    readonly key: string,
    readonly written: number,
    /** For a gradient: the forward tensor it is shaped like. */
    readonly like: SizeSource | null = null,
  ) {
    this.lastRead = written;
  }

  /** Live at a common tick (a module reading one while it writes the other counts). */
  overlaps(other: PlannedTensor): boolean {
    return this.written <= other.lastRead && other.written <= this.lastRead;
  }
}

/** A tensor of the forward pass that a gradient is shaped like: what `module` was given or returned (entry `entry` of a table). */
export interface SizeSource {
  module: Named;
  of: 'input' | 'output';
  entry?: number;
}

/**
 * What flows between modules in the walk, as an Activity flows in a pass: a planned tensor, null
 * for memory the plan does not manage (the caller's tensors, tensors a module keeps), or a table.
 */
export type PlannedActivity = PlannedTensor | null | PlannedActivity[];

/**
 * The walk of one pass (memory-plan.ts): the clock, the tensors written, and the modules whose
 * calls are checked. A module's `planForward` / `planBackward` drive it: a module's own replay is
 * `forwardOf` / `backwardOf` over its MemoryUse (memory-use.ts); a container mirrors its passes
 * with the steps below (tick, read, output, gradient), calling its children's walks in between.
 */
export class PlanBuilder {
  private clock = 0;
  readonly tensors: PlannedTensor[] = [];
  /** Modules whose output, or gradInput, the plan takes to be a new tensor (checked in every pass). */
  readonly newOutputs = new Set<Named>();
  readonly newGradInputs = new Set<Named>();
  private readonly inputs = new Map<Named, PlannedActivity>();
  private readonly outputs = new Map<Named, PlannedActivity>();
  private readonly byKey = new Map<TensorCache, Map<string, PlannedTensor>>();

  /**
   * `policy`: the pass being planned (modules whose evaluation pass computes differently, such
   * as folded batch norms, walk accordingly); `aliasing`: modules seen returning what they were
   * given although they do not declare it.
   */
  constructor(
    readonly policy: PlanPolicy,
    private readonly aliasing: ReadonlySet<Named> = new Set(),
  ) {}

  /**
   * A module's forward: one tick that reads the input (and `alsoReads`: a folded convolution's
   * residual) and writes the output under 'output' in `cache`, or passes the input on (declared
   * so, seen so, or nothing declared).
   */
  forwardOf(
    module: Named,
    use: MemoryUse | null,
    cache: TensorCache,
    input: PlannedActivity,
    alsoReads: PlannedActivity = null,
  ): PlannedActivity {
    this.remember(module, input);
    const t = this.tick();
    this.read(input, t);
    this.read(alsoReads, t);
    if (use === null || this.aliases(module, use.output === 'input')) return this.produced(module, input);
    return this.produced(module, this.output(module, cache, t));
  }

  /**
   * A module's backward: one tick that reads gradOutput (and the input and output, as far as
   * backward reads them) and writes gradInput under 'gradInput', or passes gradOutput on.
   */
  backwardOf(module: Named, use: MemoryUse | null, cache: TensorCache, gradOutput: PlannedActivity): PlannedActivity {
    const input = this.inputOf(module);
    const t = this.tick();
    this.read(gradOutput, t);
    if (use?.backwardReads.input ?? true) this.read(input, t);
    if (use?.backwardReads.output ?? true) this.read(this.outputOf(module), t);
    if (use === null || this.aliases(module, use.gradInput === 'gradOutput'))
      return Array.isArray(input) && !Array.isArray(gradOutput) ? input.map(() => gradOutput) : gradOutput;
    // A table of gradients lives under keys of the module's choosing: outside the plan.
    return Array.isArray(input)
      ? input.map(() => null)
      : this.gradient(cache, t, { module, of: 'input' }, 'gradInput', module);
  }

  /** Whether `module` returns (a view of) what it was given: its declaration, or what a planned pass saw it do. */
  private aliases(module: Named, declared: boolean): boolean {
    return declared || this.aliasing.has(module);
  }

  /** The next tick: one module call (or one step inside a container, such as ConcatTable's sum). */
  tick(): number {
    return ++this.clock;
  }

  /** Marks every tensor in `a` as read at tick `t`. */
  read(a: PlannedActivity, t: number): void {
    if (a === null) return;
    if (Array.isArray(a)) for (const x of a) this.read(x, t);
    else a.lastRead = Math.max(a.lastRead, t);
  }

  /**
   * An output written at tick `t` under `key`. `checked`: the module whose calls are checked for
   * returning their input instead (a module that runs in one tick: reading its input while
   * writing this, it can never be given this memory by the plan, so sharing memory means it
   * returned what it was given). Containers, whose input may die before their result is
   * written into the same slot, pass null.
   */
  output(checked: Named | null, cache: TensorCache, t: number, key = 'output'): PlannedTensor {
    if (checked) this.newOutputs.add(checked);
    return this.tensor(cache, key, t);
  }

  /** A gradient written at tick `t` under `key`, shaped like `like`; `checked` as for `output`. */
  gradient(
    cache: TensorCache,
    t: number,
    like: SizeSource,
    key = 'gradInput',
    checked: Named | null = null,
  ): PlannedTensor {
    if (checked) this.newGradInputs.add(checked);
    return this.tensor(cache, key, t, like);
  }

  private tensor(cache: TensorCache, key: string, t: number, like: SizeSource | null = null): PlannedTensor {
    const b = new PlannedTensor(cache, key, t, like);
    let keys = this.byKey.get(cache);
    if (!keys) this.byKey.set(cache, (keys = new Map()));
    const twice = keys.get(key);
    if (twice) {
      // The same module twice in the tree: one key, two lifetimes; keep it out of sharing.
      twice.pinned = true;
      b.pinned = true;
    }
    keys.set(key, b);
    this.tensors.push(b);
    return b;
  }

  /** Keeps every tensor in `a` out of sharing (what the model returns). */
  pin(a: PlannedActivity): void {
    if (a === null) return;
    if (Array.isArray(a)) for (const x of a) this.pin(x);
    else a.pinned = true;
  }

  /** Records what a module was given in the forward walk; its backward walk asks for it (to read it, or as a table or not). */
  remember(module: Named, input: PlannedActivity): void {
    this.inputs.set(module, input);
  }

  /** What `module` was given in this walk's forward (null when not recorded). */
  inputOf(module: Named): PlannedActivity {
    return this.inputs.get(module) ?? null;
  }

  /** Records what a module returned in the forward walk, which its backward may read. */
  produced(module: Named, output: PlannedActivity): PlannedActivity {
    this.outputs.set(module, output);
    return output;
  }

  /** What `module` returned in this walk's forward (null when not recorded). */
  outputOf(module: Named): PlannedActivity {
    return this.outputs.get(module) ?? null;
  }
}
