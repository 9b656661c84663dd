import { BatchGatherer } from '../batch-gatherer.js';
import { show } from '../checks.js';
import { checkData, checkLabels } from '../data.js';
import { SolverConfigError } from '../errors.js';
import { checkScores } from '../metrics.js';
import type { Parameter } from '../model.js';
import type { TrainingRun } from './run.js';

const MODEL_METHODS = [
  'forward',
  'backward',
  'zeroGradParameters',
  'parameters',
  'training',
  'evaluate',
  'stateDict',
  'loadStateDict',
];

/** A model is anything with the TrainableModel methods; anything else is named. */
export function checkModel(model: unknown): void {
  for (const m of MODEL_METHODS) {
    if (typeof (model as Record<string, unknown>)?.[m] !== 'function') {
      throw new SolverConfigError(`model must have a ${m}() method (got ${show(model)})`);
    }
  }
}

export function checkCriterion(criterion: unknown): void {
  for (const m of ['forward', 'backward']) {
    if (typeof (criterion as Record<string, unknown>)?.[m] !== 'function') {
      throw new SolverConfigError(`criterion must have a ${m}() method (got ${show(criterion)})`);
    }
  }
}

/**
 * Checks everything before the first iteration: data, model parameters, and, through one
 * forward pass on one example in evaluation mode, that the model accepts the data and
 * scores K classes with every label in [0, K). Returns the parameters to train.
 */
export function validate(run: TrainingRun): Parameter[] {
  const { model, data } = run;
  checkData(data);
  const params = model.parameters();
  if (!Array.isArray(params) || params.length === 0) {
    throw new SolverConfigError(
      `model.parameters() must return a non-empty list of { name, value, grad }, got ${show(params)}`,
    );
  }
  params.forEach((p, i) => {
    const ok = p?.value && p.grad && p.value.size === p.grad.size;
    if (!ok)
      throw new SolverConfigError(
        `model parameter #${i} (${show(p?.name)}) must have value and grad tensors of the same size`,
      );
  });
  const probe = new BatchGatherer(data.xTrain, 1);
  const { x } = probe.gather(null, 0, 1, null);
  let k: number;
  try {
    model.evaluate();
    let out: unknown;
    try {
      out = model.forward(x);
    } catch (err) {
      throw new SolverConfigError(
        `model.forward failed on one training example of shape [1, ${data.xTrain.shape.slice(1).join(', ')}]: ${(err as Error).message}`,
      );
    }
    k = checkScores(out, 1);
  } finally {
    probe.dispose();
    model.training();
  }
  checkLabels('data.yTrain', data.yTrain, k);
  checkLabels('data.yVal', data.yVal, k);
  const missing = run.best.missingFrom(model);
  if (missing) throw new SolverConfigError(`checkpoint: the best-model state lacks '${missing}'`);
  return params;
}
