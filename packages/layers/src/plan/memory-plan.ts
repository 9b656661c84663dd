import { type DType, getBackend, keep, Tensor } from '@funt/tensor';
import { type Activity, tensorsOf } from '../module/activity.js';
import type { Named } from '../module/errors.js';
import type { Lender } from '../module/tensor-cache.js';
import { PlanBuilder, type PlannedActivity, type PlannedTensor, type PlanPolicy } from './plan-builder.js';

/**
 * The memory plan of a model
 * --------------------------
 * Every module keeps its output and gradInput in tensors of its own (its TensorCache), as in
 * Torch. Most of them are read once: in evaluation a layer's output is dead as soon as the next
 * layer has run, and in training a gradient is dead once the module before it has consumed it.
 * A container called as a model (the root of its tree) therefore plans, once per mode and input
 * shape, which of those tensors may share memory (the idea of Lua Torch's `optnet`):
 *
 * 1. A walk over the tree replays one pass on a clock (plan-builder.ts): each module call is one
 *    tick at which it reads what it is given and writes what it returns, as its MemoryUse says
 *    (memory-use.ts); containers mirror their forward and backward in `planForward` /
 *    `planBackward`. A tensor a module writes lives from that tick to the last tick that reads
 *    it; a module that returns what it was given (or a view of it: Identity, View, in-place
 *    ReLU, CAddTable's gradients) passes the same tensor on, which makes it live longer.
 * 2. Tensors that are never live at the same tick share a slot: one flat tensor, chosen when the
 *    tensor is first needed (the smallest free slot that is big enough, else a free one not
 *    allocated yet, planned bigger, else a new one; an allocated slot never grows, since modules
 *    cache views of it). Gradients are sized from the forward pass before the first backward.
 *    The model's output and input gradient are never shared: they stay valid after the pass, in
 *    their modules' own tensors.
 * 3. During a pass, each planned key of each module's cache is lent its slot. Outside a pass (a
 *    child called directly, updateGradInput and accGradParameters called one after the other)
 *    every module uses its own tensors, as without a plan.
 *
 * What is shared depends on the mode (the policy):
 * - 'train': gradients share; so do outputs no backward reads (`backwardReads`: a batch norm's
 *   output that only CAddTable sums); the outputs that a backward reads are kept until the end
 *   of the step, so they stay valid after it.
 * - 'eval': outputs share; nothing is planned for backward.
 * - 'eval-keep': when backward follows an evaluation forward (saliency maps, gradient checks),
 *   the model reruns that forward under this policy, which shares as in training, and keeps it
 *   for evaluation from then on.
 *
 * A module that declares nothing is planned as one that may return what it was given, and its
 * own keys are never lent. A module that declares 'cache' but returns given memory (a wrong
 * declaration) would let the plan hand that memory to the next module while it is still
 * needed, so every planned call is checked right after it returns (`afterForward`,
 * `afterBackward`). When one does, nothing has been overwritten yet: the plan stops lending for
 * the rest of that pass (the modules after it use their own tensors), and is made again
 * treating that module as returning what it was given.
 */

export type { PlanPolicy };

/** One flat tensor that planned tensors with disjoint lifetimes take turns in. */
class Slot {
  private flat: Tensor | null = null;
  /** Elements the slot must hold: the biggest tensor assigned to it so far. */
  private planned = 0;
  readonly tenants: PlannedTensor[] = [];

  accepts(b: PlannedTensor): boolean {
    return this.tenants.every((o) => !o.overlaps(b));
  }

  get capacity(): number {
    return Math.max(this.planned, this.flat?.size ?? 0);
  }

  get allocated(): boolean {
    return this.flat !== null;
  }

  take(b: PlannedTensor, size: number): void {
    this.tenants.push(b);
    this.planned = Math.max(this.planned, size);
  }

  /** The flat tensor of `dtype`, (re)allocated first when it cannot hold `size` elements. */
  reserve(size: number, dtype: DType): Tensor {
    const f = this.flat;
    if (f === null || f.size < size || f.dtype !== dtype || f.backend !== getBackend()) {
      f?.dispose();
      this.flat = keep(Tensor.empty([Math.max(size, this.planned)], dtype));
    }
    return this.flat!;
  }

  get bytes(): number {
    return this.flat === null ? 0 : this.flat.size * (this.flat.dtype === 'float64' ? 8 : 4);
  }

  dispose(): void {
    this.flat?.dispose();
    this.flat = null;
  }
}

/**
 * The plan of the pass running now. Passes are synchronous, so one runs at a time; a container
 * learns from it whether its call is part of a planned pass (and checks its children's calls).
 */
let running: MemoryPlan | null = null;

/** The plan of the pass running now, or null. */
export function runningPlan(): MemoryPlan | null {
  return running;
}

/** What the planner needs of a model: its mode and its walks (Module has them). */
export interface PlanRoot {
  readonly isTraining: boolean;
  planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity;
  planBackward(plan: PlanBuilder, gradOutput: PlannedActivity): PlannedActivity;
}

/** What a plan holds, for tests and memory accounting. */
export interface PlanStats {
  /** Planned tensors that take turns in slots. */
  shared: number;
  slots: number;
  /** Bytes held by the slots. */
  bytes: number;
}

/** A planned key and the function that lends it its slot. */
interface Loan {
  tensor: PlannedTensor;
  lend: Lender;
}

/** The plan for one policy and input signature: its tensors, their slots, and the checks. */
export class MemoryPlan {
  private readonly slots: Slot[] = [];
  private readonly slotOf = new Map<PlannedTensor, Slot>();
  private readonly loans: Loan[] = [];
  private readonly newOutputs: Set<Named>;
  private readonly newGradInputs: Set<Named>;
  /** Set when a module was seen returning what it was given against its declaration: the plan lends nothing more and is made again. */
  broken = false;
  /** What each module was given and returned in the first forward pass (until the first backward sizes the gradients). */
  private seen: Map<Named, { input: Activity; output: Activity }> | null;

  private constructor(
    readonly policy: PlanPolicy,
    readonly signature: string,
    walk: PlanBuilder,
    /** The planner's record of modules that return what they were given against their declaration (check adds to it). */
    private readonly aliasing: Set<Named>,
  ) {
    this.newOutputs = walk.newOutputs;
    this.newGradInputs = walk.newGradInputs;
    this.seen = policy === 'eval' ? null : new Map();
    for (const tensor of walk.tensors) {
      if (!tensor.pinned)
        this.loans.push({ tensor, lend: (size, dtype) => (this.broken ? null : this.lend(tensor, size, dtype)) });
    }
  }

  /** Walks `root` for `policy`: the forward walk, then for the policies that keep outputs the backward walk. */
  static of(root: PlanRoot, policy: PlanPolicy, signature: string, aliasing: Set<Named>): MemoryPlan {
    const walk = new PlanBuilder(policy, aliasing);
    walk.pin(root.planForward(walk, null));
    if (policy !== 'eval') {
      const outputs = walk.tensors.slice();
      const forwardEnd = walk.tick();
      walk.pin(root.planBackward(walk, null));
      // Outputs that backward reads stay valid after the step (as without a plan), so no
      // gradient takes their memory; those it never reads share only among themselves.
      const stepEnd = walk.tick();
      for (const b of outputs) if (b.lastRead > forwardEnd) b.lastRead = stepEnd;
    }
    return new MemoryPlan(policy, signature, walk, aliasing);
  }

  /** Runs one pass with this plan's keys lent their slots. */
  run<T>(phase: 'forward' | 'backward', pass: () => T): T {
    if (phase === 'backward') this.sizeGradients();
    for (const { tensor, lend } of this.loans) tensor.cache.lend(tensor.key, lend);
    running = this;
    try {
      return pass();
    } finally {
      running = null;
      for (const { tensor } of this.loans) tensor.cache.lend(tensor.key, null);
    }
  }

  private lend(b: PlannedTensor, size: number, dtype: DType): Tensor {
    let slot = this.slotOf.get(b);
    if (slot === undefined) this.slotOf.set(b, (slot = this.slotFor(b, size)));
    return slot.reserve(size, dtype);
  }

  /**
   * The smallest free slot that holds `size` elements; else the biggest free slot not allocated
   * yet, which will be allocated that big; else a new slot. An allocated slot never grows: views
   * of it are cached in the modules, and a new tensor would leave them holding the old memory.
   */
  private slotFor(b: PlannedTensor, size: number): Slot {
    let fits: Slot | null = null;
    let grows: Slot | null = null;
    for (const s of this.slots) {
      if (!s.accepts(b)) continue;
      if (s.capacity >= size) {
        if (fits === null || s.capacity < fits.capacity) fits = s;
      } else if (!s.allocated && (grows === null || s.capacity > grows.capacity)) grows = s;
    }
    let best = fits ?? grows;
    if (best === null) this.slots.push((best = new Slot()));
    best.take(b, size);
    return best;
  }

  /**
   * After a module's forward in this plan's pass: checks it (see `check`), and in the plan's
   * first forward pass remembers what it was given and returned, the shapes of its gradients.
   */
  afterForward(module: Named, input: Activity, output: Activity): void {
    this.check(module, this.newOutputs, input, output);
    this.seen?.set(module, { input, output });
  }

  /** After a module's backward in this plan's pass: checks it (see `check`). */
  afterBackward(module: Named, gradOutput: Activity, gradInput: Activity): void {
    this.check(module, this.newGradInputs, gradOutput, gradInput);
  }

  /**
   * Before the first backward pass: every gradient's size is known from the forward pass, so
   * slots are assigned in the order the tensors are written and sized once (none grows later).
   */
  private sizeGradients(): void {
    const seen = this.seen;
    if (seen === null) return;
    this.seen = null;
    for (const { tensor } of this.loans) {
      const like = tensor.like;
      const pass = like && seen.get(like.module);
      if (!like || !pass || this.slotOf.has(tensor)) continue;
      const t = pass[like.of];
      const x = like.entry === undefined ? t : Array.isArray(t) ? t[like.entry] : undefined;
      if (x === undefined || Array.isArray(x)) continue;
      this.slotOf.set(tensor, this.slotFor(tensor, x.size));
    }
  }

  /**
   * When a module returned memory it was given (`given`: its input, or its gradOutput) although
   * the plan took its result for a new tensor (`planned` holds it): stops lending for the rest of
   * the pass, and the next plan treats the module as aliasing.
   */
  private check(module: Named, planned: ReadonlySet<Named>, given: Activity, returned: Activity): void {
    if (!planned.has(module) || !sharesMemory(returned, given)) return;
    this.broken = true;
    this.aliasing.add(module);
  }

  /** How many planned tensors share how many slots, and the bytes the slots hold. */
  stats(): PlanStats {
    return { shared: this.loans.length, slots: this.slots.length, bytes: this.slots.reduce((n, s) => n + s.bytes, 0) };
  }

  /** Frees the slots and the views modules keep of them. */
  dispose(): void {
    for (const { tensor } of this.loans) tensor.cache.dropBorrowed(tensor.key);
    for (const s of this.slots) s.dispose();
    this.slots.length = 0;
  }
}

function sharesMemory(a: Activity, b: Activity): boolean {
  const bs = tensorsOf(b);
  return tensorsOf(a).some((x) => bs.some((y) => x.sharesStorageWith(y)));
}
