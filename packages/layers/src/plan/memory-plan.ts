import { type DType, getBackend, keep, Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import type { Named } from '../module/errors.js';
import type { Lender, TensorCache } from '../module/tensor-cache.js';

/**
 * The memory plan of a model
 * --------------------------
 * Every module keeps its output and gradInput in buffers of its own (tensor-cache.ts), as in
 * Torch. Most of them are read once: in evaluation a layer's output is dead as soon as the next
 * layer has run, and in training a gradient is dead once the module before it has consumed it.
 * A container called as a model (the root of its tree) therefore plans, once per mode and input
 * shape, which of those buffers may share memory (the idea of Lua Torch's `optnet`):
 *
 * 1. A walk over the tree replays one pass on a clock (`planForward` / `planBackward`, which
 *    containers override to mirror their forward and backward): each module call is one tick at
 *    which it reads what it is given and writes what it returns. A buffer a module writes lives
 *    from that tick to the last tick that reads it; a module that returns what it was given (or
 *    a view of it: Identity, View, in-place ReLU, CAddTable's gradients) passes the same buffer
 *    on, which makes it live longer.
 * 2. Buffers that are never live at the same tick share a slot: one flat tensor, chosen when the
 *    buffer is first needed (the smallest free slot that is big enough, else a free one not
 *    allocated yet, planned bigger, else a new one; an allocated slot never grows, since modules
 *    cache views of it). Gradients are sized from the forward pass before the first backward.
 *    The model's output and input gradient are never shared: they stay valid after the pass, in
 *    their modules' own buffers.
 * 3. During a pass, each planned key of each workspace is lent its slot. Outside a pass (a child
 *    called directly, updateGradInput and accGradParameters called one after the other) every
 *    module uses its own buffers, as without a plan.
 *
 * What is shared depends on the mode (the policy):
 * - 'train': gradients share; so do outputs no backward reads (`backwardReadsInput`,
 *   `backwardReadsOutput`: a batch norm's output that only CAddTable sums); the outputs that a
 *   backward reads are kept until the end of the step, so they stay valid after it.
 * - 'eval': outputs share; nothing is planned for backward.
 * - 'eval-keep': when backward follows an evaluation forward (saliency maps, gradient checks),
 *   the model reruns that forward under this policy, which shares as in training, and keeps it
 *   for evaluation from then on.
 *
 * Each module says whether it returns what it was given (`outputAliasesInput`,
 * `gradInputAliasesGradOutput`). A module that returned given memory without saying so (a user's
 * module written for Torch semantics) would let the plan hand that memory to the next module
 * while it is still needed, so every planned call is checked. When one does, nothing has been
 * overwritten yet: the plan stops lending for the rest of that pass (the modules after it use
 * their own buffers), and is made again treating that module as returning what it was given.
 */

/** Which buffers share: see the header. */
export type Policy = 'train' | 'eval' | 'eval-keep';

/** A buffer of the plan: the tensor under `key` in `workspace`, written at tick `written` and read until `lastRead`. */
export class PlannedBuffer {
  lastRead: number;
  /** Kept out of sharing: the model's output or input gradient, or a key written twice in one pass. */
  pinned = false;
  slot: Slot | null = null;

  constructor(
    readonly workspace: TensorCache,
    readonly key: string,
    readonly written: number,
    /** For a gradient: the forward tensor it is shaped like. */
    readonly like: SizeSource | null = null,
  ) {
    this.lastRead = written;
  }

  /** Live at a common tick (a module reading one while it writes the other counts). */
  overlaps(other: PlannedBuffer): boolean {
    return this.written <= other.lastRead && other.written <= this.lastRead;
  }
}

/** A tensor of the forward pass that a gradient buffer is shaped like: what `module` was given or returned (entry `entry` of a table). */
export interface SizeSource {
  module: Named;
  of: 'input' | 'output';
  entry?: number;
}

/**
 * What flows between modules in the walk: a planned buffer, null for memory the plan does not
 * manage (the caller's tensors, buffers a module keeps), or a table of flows.
 */
export type Flow = PlannedBuffer | null | Flow[];

/** The walk of one pass: the clock, the buffers written, and the modules whose calls are checked. */
export class PlanBuilder {
  private clock = 0;
  readonly buffers: PlannedBuffer[] = [];
  /** Modules whose output, or gradInput, the plan takes to be a new buffer (checked in every pass). */
  readonly newOutputs = new Set<Named>();
  readonly newGradInputs = new Set<Named>();
  private readonly inputs = new Map<Named, Flow>();
  private readonly outputs = new Map<Named, Flow>();
  private readonly byKey = new Map<TensorCache, Map<string, PlannedBuffer>>();

  /** `aliasing`: modules seen returning what they were given although they do not declare it. */
  constructor(private readonly aliasing: ReadonlySet<Named> = new Set()) {}

  /** Whether `module` returns (a view of) what it was given: its declaration, or what a planned pass saw it do. */
  aliases(module: Named, declared: boolean): boolean {
    return declared || this.aliasing.has(module);
  }

  /** The next tick: one module call (or one step inside a container, such as ConcatTable's sum). */
  tick(): number {
    return ++this.clock;
  }

  /** Marks every buffer in `flow` as read at tick `t`. */
  read(flow: Flow, t: number): void {
    if (flow === null) return;
    if (Array.isArray(flow)) for (const f of flow) this.read(f, t);
    else flow.lastRead = Math.max(flow.lastRead, t);
  }

  /**
   * An output written at tick `t` under `key`. `checked`: the module whose calls are checked for
   * returning their input instead (a module that runs in one tick: reading its input while
   * writing this, it can never be given this memory by the plan, so sharing memory means it
   * returned what it was given). Containers, whose input may die before their result is
   * written into the same slot, pass null.
   */
  output(checked: Named | null, workspace: TensorCache, t: number, key = 'output'): PlannedBuffer {
    if (checked) this.newOutputs.add(checked);
    return this.buffer(workspace, key, t);
  }

  /** A gradient written at tick `t` under `key`, shaped like `like`; `checked` as for `output`. */
  gradient(
    workspace: TensorCache,
    t: number,
    like: SizeSource,
    key = 'gradInput',
    checked: Named | null = null,
  ): PlannedBuffer {
    if (checked) this.newGradInputs.add(checked);
    return this.buffer(workspace, key, t, like);
  }

  private buffer(workspace: TensorCache, key: string, t: number, like: SizeSource | null = null): PlannedBuffer {
    const b = new PlannedBuffer(workspace, key, t, like);
    let keys = this.byKey.get(workspace);
    if (!keys) this.byKey.set(workspace, (keys = new Map()));
    const twice = keys.get(key);
    if (twice) {
      // The same module twice in the tree: one key, two lifetimes; keep it out of sharing.
      twice.pinned = true;
      b.pinned = true;
    }
    keys.set(key, b);
    this.buffers.push(b);
    return b;
  }

  /** Keeps every buffer in `flow` out of sharing (what the model returns). */
  pin(flow: Flow): void {
    if (flow === null) return;
    if (Array.isArray(flow)) for (const f of flow) this.pin(f);
    else flow.pinned = true;
  }

  /** Records what a module was given in the forward walk; its backward walk asks for it (to read it, or as a table or not). */
  remember(module: Named, input: Flow): void {
    this.inputs.set(module, input);
  }

  inputOf(module: Named): Flow {
    return this.inputs.get(module) ?? null;
  }

  /** Records what a module returned in the forward walk, which its backward may read. */
  produced(module: Named, output: Flow): Flow {
    this.outputs.set(module, output);
    return output;
  }

  outputOf(module: Named): Flow {
    return this.outputs.get(module) ?? null;
  }
}

/** One flat tensor that buffers with disjoint lifetimes take turns in. */
class Slot {
  private flat: Tensor | null = null;
  /** Elements the slot must hold: the biggest buffer assigned to it so far. */
  private planned = 0;
  readonly buffers: PlannedBuffer[] = [];

  accepts(b: PlannedBuffer): boolean {
    return this.buffers.every((o) => !o.overlaps(b));
  }

  get capacity(): number {
    return Math.max(this.planned, this.flat?.size ?? 0);
  }

  get allocated(): boolean {
    return this.flat !== null;
  }

  take(b: PlannedBuffer, size: number): void {
    this.buffers.push(b);
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

/** The plan engaged by the pass running now (passes are synchronous, so one at a time). */
let engaged: MemoryPlan | null = null;

/** The plan of the pass running now, or null. */
export function activePlan(): MemoryPlan | null {
  return engaged;
}

/** What the planner needs of a model: its mode and its walks (Module has them). */
export interface PlanRoot {
  readonly isTraining: boolean;
  planForward(plan: PlanBuilder, input: Flow): Flow;
  planBackward(plan: PlanBuilder, gradOutput: Flow): Flow;
}

/** What a plan holds, for tests and memory accounting. */
export interface PlanStats {
  /** Buffers that take turns in slots. */
  shared: number;
  slots: number;
  /** Bytes held by the slots. */
  bytes: number;
}

type Phase = 'forward' | 'backward';

/** A planned key and the function that lends it its slot. */
interface Loan {
  buffer: PlannedBuffer;
  lend: Lender;
}

/** The plan for one policy and input signature: its buffers, their slots, and the checks. */
export class MemoryPlan {
  private readonly slots: Slot[] = [];
  private readonly loans: Loan[] = [];
  private readonly newOutputs: Set<Named>;
  private readonly newGradInputs: Set<Named>;
  /** Set when a module was seen returning what it was given undeclared: the plan lends nothing more and is made again. */
  broken = false;
  /** What each module was given and returned in the first forward pass (until the first backward sizes the gradients). */
  private seen: Map<Named, { input: Activity; output: Activity }> | null;

  private constructor(
    readonly policy: Policy,
    readonly signature: string,
    walk: PlanBuilder,
    /** The planner's record of modules that return what they were given undeclared (check adds to it). */
    private readonly aliasing: Set<Named>,
  ) {
    this.newOutputs = walk.newOutputs;
    this.newGradInputs = walk.newGradInputs;
    this.seen = policy === 'eval' ? null : new Map();
    for (const buffer of walk.buffers) {
      if (!buffer.pinned)
        this.loans.push({ buffer, lend: (size, dtype) => (this.broken ? null : this.lend(buffer, size, dtype)) });
    }
  }

  /** Walks `root` for `policy`: the forward walk, then for the policies that keep outputs the backward walk. */
  static of(root: PlanRoot, policy: Policy, signature: string, aliasing: Set<Named>): MemoryPlan {
    const walk = new PlanBuilder(aliasing);
    walk.pin(root.planForward(walk, null));
    if (policy !== 'eval') {
      const outputs = walk.buffers.slice();
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
  run<T>(phase: Phase, pass: () => T): T {
    if (phase === 'backward') this.sizeGradients();
    for (const { buffer, lend } of this.loans) buffer.workspace.lend(buffer.key, lend);
    engaged = this;
    try {
      return pass();
    } finally {
      engaged = null;
      for (const { buffer } of this.loans) buffer.workspace.lend(buffer.key, null);
    }
  }

  private lend(b: PlannedBuffer, size: number, dtype: DType): Tensor {
    b.slot ??= this.slotFor(b, size);
    return b.slot.reserve(size, dtype);
  }

  /**
   * The smallest free slot that holds `size` elements; else the biggest free slot not allocated
   * yet, which will be allocated that big; else a new slot. An allocated slot never grows: views
   * of it are cached in the modules, and a new tensor would leave them holding the old memory.
   */
  private slotFor(b: PlannedBuffer, size: number): Slot {
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
   * After a module's call in this plan's first forward pass: remembers what it was given and
   * returned, the shapes its gradients will have.
   */
  observe(module: Named, input: Activity, output: Activity): void {
    this.seen?.set(module, { input, output });
  }

  /**
   * Before the first backward pass: every gradient's size is known from the forward pass, so
   * slots are assigned in the order the buffers are written and sized once (none grows later).
   */
  private sizeGradients(): void {
    const seen = this.seen;
    if (seen === null) return;
    this.seen = null;
    for (const { buffer } of this.loans) {
      const like = buffer.like;
      const pass = like && seen.get(like.module);
      if (!like || !pass || buffer.slot !== null) continue;
      const t = pass[like.of];
      const x = like.entry === undefined ? t : Array.isArray(t) ? t[like.entry] : undefined;
      if (x === undefined || Array.isArray(x)) continue;
      buffer.slot = this.slotFor(buffer, x.size);
    }
  }

  /**
   * After a module's call in this plan's pass: when the module returned memory it was given
   * (`given`: its input, or its gradOutput) although the plan took its result for a new buffer,
   * stops lending for the rest of the pass, and the next plan treats the module as aliasing.
   */
  check(module: Named, phase: Phase, given: Activity, returned: Activity): void {
    const planned = phase === 'forward' ? this.newOutputs : this.newGradInputs;
    if (!planned.has(module) || !sharesMemory(returned, given)) return;
    this.broken = true;
    this.aliasing.add(module);
  }

  stats(): PlanStats {
    return { shared: this.loans.length, slots: this.slots.length, bytes: this.slots.reduce((n, s) => n + s.bytes, 0) };
  }

  /** Frees the slots and the views modules keep of them. */
  dispose(): void {
    for (const { buffer } of this.loans) buffer.workspace.dropBorrowed(buffer.key);
    for (const s of this.slots) s.dispose();
    this.slots.length = 0;
  }
}

function sharesMemory(a: Activity, b: Activity): boolean {
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  return as.some((x) => bs.some((y) => x.sharesStorageWith(y)));
}

/**
 * The plans of one model (a container called as the root of its tree): one per policy, replaced
 * when the input's shape, dtype or backend changes.
 */
export class MemoryPlanner {
  private readonly plans = new Map<Policy, MemoryPlan>();
  private last: MemoryPlan | null = null;
  /** Modules seen returning what they were given without declaring it (planned as aliasing from then on). */
  private readonly aliasing = new Set<Named>();
  /** Set once backward has followed an evaluation forward: evaluation keeps outputs from then on. */
  private evalNeedsOutputs = false;

  /** Runs a forward pass of `root` under the plan for its mode and this input. */
  forward(root: PlanRoot, input: Activity, pass: () => Activity): Activity {
    const policy: Policy = root.isTraining ? 'train' : this.evalNeedsOutputs ? 'eval-keep' : 'eval';
    const plan = this.planFor(root, policy, input);
    this.last = null;
    const out = plan.run('forward', pass);
    this.last = plan;
    return out;
  }

  /** Runs a backward pass; first reruns the forward (`rerun`) when its outputs were shared. */
  backward(pass: () => Activity, rerun: () => void): Activity {
    this.keepOutputs(rerun);
    return this.last === null ? pass() : this.last.run('backward', pass);
  }

  /**
   * Before anything that reads the intermediate outputs of the last forward (backward, or
   * updateGradInput called on its own): when they were shared, evaluation keeps outputs from now
   * on and `rerun` computes them again.
   */
  keepOutputs(rerun: () => void): void {
    if (this.last?.policy !== 'eval') return;
    this.evalNeedsOutputs = true;
    rerun();
  }

  /** True when the last forward shared its intermediate outputs (nothing may run backward over them). */
  get outputsShared(): boolean {
    return this.last?.policy === 'eval';
  }

  /** The plan for `policy`, if one was made (for tests and memory accounting). */
  plan(policy: Policy): MemoryPlan | null {
    return this.plans.get(policy) ?? null;
  }

  private planFor(root: PlanRoot, policy: Policy, input: Activity): MemoryPlan {
    const xs = Array.isArray(input) ? input : [input];
    const signature = `${getBackend().name} ${xs.map((x) => `${x.dtype}[${x.shape.join(',')}]`).join(' ')}`;
    const have = this.plans.get(policy);
    if (have?.signature === signature && !have.broken) return have;
    have?.dispose();
    const plan = MemoryPlan.of(root, policy, signature, this.aliasing);
    this.plans.set(policy, plan);
    return plan;
  }

  dispose(): void {
    for (const p of this.plans.values()) p.dispose();
    this.plans.clear();
    this.last = null;
  }
}
