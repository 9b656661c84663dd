import { copy, type Tensor, zerosLike } from '@funt/tensor';
import { type Check, checkOptions, numberIn } from '../checks.js';
import { SolverConfigError } from '../errors.js';
import type { Parameter } from '../model.js';

/** Every rule has a learning rate; the rest of its options are its own. */
export interface RuleConfig {
  learningRate: number;
}

/**
 * The saveable state of an update rule: per-parameter tensors under `<index>/<slot>` (momentum
 * buffers, moment estimates) and scalar counters (Adam's step count, …).
 */
export interface RuleState {
  rule: string;
  config: Record<string, number | boolean>;
  scalars: Record<string, number>;
  tensors: Record<string, Tensor>;
}

/**
 * An update rule in the style of Torch's `optim`: it keeps per-parameter state and updates
 * parameter tensors in place from their gradients. Steps allocate nothing after the first
 * (state and scratch buffers are created once, on the first step, like the parameters).
 *
 * Parameters are identified by their position in the list given to `step`, which must be the
 * same list (same order, same shapes) at every step; `model.parameters()` guarantees that.
 */
export abstract class UpdateRule<C extends RuleConfig = RuleConfig> {
  readonly name: string;
  readonly config: Readonly<C>;
  /** The rate used by the next step. Schedules set it to config.learningRate × a factor. */
  learningRate: number;
  /**
   * The momentum used by the next step (Adam's beta1), or null for a rule without one. It starts
   * at the configured value; a schedule that cycles it (one-cycle) sets it before every step.
   */
  momentum: number | null = null;
  /** Counters saved with the state (e.g. Adam's `t`). */
  protected scalars: Record<string, number> = {};
  private slots: Map<string, Tensor>[] = [];
  private scratch: Tensor[] = [];
  /** Shapes and names of the parameters of the first step: later steps and loaded state must match. */
  private shapes: (readonly number[])[] | null = null;
  private names: string[] = [];

  /** `checks` covers the rule's own options; every rule's learningRate is checked here. */
  protected constructor(name: string, defaults: C, checks: { [K in keyof C]?: Check }, given: unknown) {
    this.name = name;
    const all = { learningRate: numberIn(0, Infinity), ...checks };
    this.config = Object.freeze(checkOptions(`update rule '${name}'`, defaults, all, given));
    this.learningRate = this.config.learningRate;
  }

  /** Applies one update to every parameter, from its current gradient. */
  step(params: readonly Parameter[]): void {
    this.checkParameters(params);
    this.beforeStep();
    for (let i = 0; i < params.length; i++) this.update(params[i], i);
  }

  /** Called once per step before the parameters are updated (e.g. to advance a step counter). */
  protected beforeStep(): void {}

  /** Updates parameter `p` (index `i`) in place. */
  protected abstract update(p: Parameter, i: number): void;

  /** The state tensor `slot` of parameter i, created as zeros on first use. */
  protected slot(i: number, slot: string, like: Tensor): Tensor {
    const map = this.slotMap(i);
    let t = map.get(slot);
    if (!t) {
      t = zerosLike(like);
      map.set(slot, t);
    }
    return t;
  }

  /** Whether parameter i already has state `slot` (Torch's sgd starts its momentum from the first gradient). */
  protected hasSlot(i: number, slot: string): boolean {
    return this.slotMap(i).has(slot);
  }

  /** A state tensor initialised as a copy of `from`. */
  protected slotFrom(i: number, slot: string, from: Tensor): Tensor {
    const t = this.slot(i, slot, from);
    copy(from, t);
    return t;
  }

  /** A per-parameter buffer for intermediate results; not part of the saved state. */
  protected scratchFor(i: number, like: Tensor): Tensor {
    let t = this.scratch[i];
    if (!t) {
      t = zerosLike(like);
      this.scratch[i] = t;
    }
    return t;
  }

  private slotMap(i: number): Map<string, Tensor> {
    let map = this.slots[i];
    if (!map) {
      map = new Map();
      this.slots[i] = map;
    }
    return map;
  }

  private checkParameters(params: readonly Parameter[]): void {
    if (this.shapes === null) {
      this.shapes = params.map((p) => p.value.shape);
      this.names = params.map((p) => p.name);
      // State loaded before the first step must fit the parameters it is meant for.
      this.checkSlots(this.slots);
      return;
    }
    if (params.length !== this.shapes.length) {
      throw new SolverConfigError(
        `update rule '${this.name}': step got ${params.length} parameters but earlier steps had ${this.shapes.length}`,
      );
    }
  }

  /** Checks state tensors against the parameter shapes seen at the first step. */
  private checkSlots(slots: readonly (Map<string, Tensor> | undefined)[]): void {
    const shapes = this.shapes;
    if (shapes === null) return;
    slots.forEach((map, i) => {
      if (!map) return;
      for (const [slot, t] of map) {
        if (i >= shapes.length) {
          throw new SolverConfigError(
            `update rule '${this.name}': state '${slot}' for parameter #${i} but the model has ${shapes.length} parameters`,
          );
        }
        const want = shapes[i];
        if (t.shape.length !== want.length || t.shape.some((d, k) => d !== want[k])) {
          throw new SolverConfigError(
            `update rule '${this.name}': state '${slot}' of parameter #${i} (${this.names[i]}) has shape [${t.shape.join(', ')}], ` +
              `the parameter has [${want.join(', ')}]`,
          );
        }
      }
    });
  }

  /** The state to checkpoint. Tensors are the live buffers (not copies): save them before the next step. */
  state(): RuleState {
    const tensors: Record<string, Tensor> = {};
    this.slots.forEach((map, i) => {
      for (const [slot, t] of map) tensors[`${i}/${slot}`] = t;
    });
    return {
      rule: this.name,
      config: { ...this.config } as unknown as Record<string, number | boolean>,
      scalars: { ...this.scalars },
      tensors,
    };
  }

  /**
   * Restores state saved by `state()` of a rule of the same kind. The tensors are copied into
   * this rule's buffers (or adopted as its buffers before the first step).
   */
  loadState(state: RuleState): void {
    if (state.rule !== this.name) {
      throw new SolverConfigError(`update rule '${this.name}': cannot load state saved by update rule '${state.rule}'`);
    }
    for (const key of Object.keys(this.scalars)) {
      if (typeof state.scalars?.[key] !== 'number') {
        throw new SolverConfigError(`update rule '${this.name}': saved state lacks the counter '${key}'`);
      }
    }
    const loaded: Map<string, Tensor>[] = [];
    for (const [key, t] of Object.entries(state.tensors ?? {})) {
      const m = /^(\d+)\/([A-Za-z0-9_]+)$/.exec(key);
      if (!m) throw new SolverConfigError(`update rule '${this.name}': unexpected state tensor '${key}'`);
      const i = Number(m[1]);
      (loaded[i] ??= new Map()).set(m[2], t);
    }
    this.checkSlots(loaded);
    // Copy into fresh buffers so that the caller may dispose what it loaded, then free the old ones.
    const old = this.slots;
    this.slots = [];
    loaded.forEach((map, i) => {
      for (const [slot, t] of map) this.slotFrom(i, slot, t);
    });
    for (const map of old) for (const t of map?.values() ?? []) t.dispose();
    this.scalars = { ...this.scalars, ...state.scalars };
  }
}
