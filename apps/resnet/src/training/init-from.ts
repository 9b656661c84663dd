import type { Sequential } from '@funt/layers';
import type { TrainableModel } from '@funt/solver';
import { UsageError } from '../errors.js';
import type { Log } from '../log.js';
import type { SavedModel } from '../model/saved-model.js';

/** The parts of a ResNet `--freeze` can keep fixed: the first convolution and the three stages. */
export const FREEZABLE_PARTS = ['stem', 'stage1', 'stage2', 'stage3'] as const;
/** One of the `FREEZABLE_PARTS`. */
export type FreezablePart = (typeof FREEZABLE_PARTS)[number];

/** The index of the top-level module a state name belongs to ('3.0.0.0.weight' → 3). */
const topOf = (name: string) => Number(name.slice(0, name.indexOf('.')));

/**
 * The part a top-level module of `resnet()` belongs to: modules 0–2 are the stem (convolution,
 * batch norm, ReLU), then come n residual blocks per stage; null for the head.
 */
function partOf(top: number, n: number): FreezablePart | null {
  if (top < 3) return 'stem';
  const stage = Math.floor((top - 3) / n);
  return stage < 3 ? FREEZABLE_PARTS[stage + 1] : null;
}

/**
 * Starts `model` from a saved model's weights (a run's best model, a model file, an imported
 * PyTorch model): every parameter and running statistic is copied, except the classifier
 * (the last linear layer) when the class counts differ, which keeps its fresh initialisation.
 * Anything else that does not match is a UsageError naming the tensor.
 */
export function initFrom(model: Sequential, saved: SavedModel, flag: string, log: Log): void {
  const source = saved.model.stateDict();
  const target = model.stateDict();
  const classifier = Math.max(...model.parameters().map((p) => topOf(p.name)));
  const state: typeof target = {};
  let replaced = false;
  for (const [name, t] of Object.entries(target)) {
    const s = source[name];
    if (s && s.shape.join() === t.shape.join()) state[name] = s;
    else if (s && topOf(name) === classifier && s.shape[0] !== t.shape[0]) {
      state[name] = t; // the fresh classifier stays
      replaced = true;
    } else {
      throw new UsageError(
        `${flag} ${saved.path}: '${name}' is [${t.shape.join(', ')}] in this network but ${s ? `[${s.shape.join(', ')}]` : 'missing'} in the model (the same --n, --filters, --hidden and image channels are needed)`,
      );
    }
  }
  model.loadStateDict(state);
  const classes = saved.description.architecture.classes;
  log(
    `initialised from ${saved.path}${replaced ? `; classifier replaced (${classes} → ${model.parameters().at(-1)!.value.shape[0]} classes)` : ''}`,
  );
}

/**
 * The model as the solver sees it with `parts` frozen: their parameters are left out of the
 * update (and of weight decay and gradient clipping); their batch norms' running statistics still
 * follow the new data, as in PyTorch with `requires_grad = False`.
 */
export function freeze(model: Sequential, parts: readonly FreezablePart[], n: number): TrainableModel {
  const trainable = model.parameters().filter((p) => {
    const part = partOf(topOf(p.name), n);
    return part === null || !parts.includes(part);
  });
  return {
    forward: (x) => model.forward(x),
    backward: (x, g) => model.backward(x, g),
    zeroGradParameters: () => model.zeroGradParameters(),
    parameters: () => trainable,
    training: () => model.training(),
    evaluate: () => model.evaluate(),
    stateDict: () => model.stateDict(),
    loadStateDict: (state, options) => model.loadStateDict(state, options),
  };
}
