import { SolverConfigError } from '../errors.js';
import { History } from '../history.js';
import {
  CHECKPOINT_VERSION,
  type CheckpointState,
  readCheckpointFile,
  writeCheckpointFile,
} from './checkpoint-file.js';
import type { CheckpointReason } from './events.js';
import { checkStateFinite, firstNonFinite, named } from './finite.js';
import type { TrainingRun } from './run.js';

/**
 * Writes the whole run as a checkpoint file (atomically: the previous checkpoint survives a
 * crash). A run holding a NaN or ∞ is not written: NonFiniteParameterError.
 */
export function saveCheckpoint(run: TrainingRun, path: string, reason: CheckpointReason): void {
  checkStateFinite(run);
  const rule = run.rule.state();
  const state: CheckpointState = {
    version: CHECKPOINT_VERSION,
    ...run.state.save(run.model),
    bestValAcc: run.best.valAcc,
    bestEpoch: run.best.epoch,
    rule: { name: rule.rule, config: rule.config, scalars: rule.scalars },
    schedule: run.schedule.state(),
    history: run.history.toJSON(),
    config: describeConfig(run),
    parameterNames: run.model.parameters().map((p) => p.name),
  };
  writeCheckpointFile(path, { state, model: run.trainingState(), optimizer: rule.tensors, best: run.best.state });
  run.lastCheckpoint = path;
  run.events.onCheckpoint(path, reason);
}

/**
 * Restores a run from a checkpoint: model, update rule, schedule, generators, counters,
 * histories and best model. train() then continues exactly where the checkpoint was taken.
 */
export function loadCheckpoint(run: TrainingRun, path: string): void {
  const { state, model, optimizer, best } = readCheckpointFile(path);
  const bad = firstNonFinite([...named(model, 'model/'), ...named(optimizer, 'optim/'), ...named(best ?? {}, 'best/')]);
  if (bad) {
    throw new SolverConfigError(
      `checkpoint '${path}': tensor '${bad.name}' holds ${bad.value} (element ${bad.index}); a diverged run cannot be resumed`,
    );
  }
  if (state.rule.name !== run.rule.name) {
    throw new SolverConfigError(
      `checkpoint '${path}' was trained with update rule '${state.rule.name}', this solver uses '${run.rule.name}'`,
    );
  }
  const names = run.model.parameters().map((p) => p.name);
  if (names.length !== state.parameterNames.length || names.some((nm, i) => nm !== state.parameterNames[i])) {
    throw new SolverConfigError(
      `checkpoint '${path}' holds ${state.parameterNames.length} parameters (${state.parameterNames.slice(0, 4).join(', ')}…) ` +
        `that do not match the model's ${names.length} (${names.slice(0, 4).join(', ')}…)`,
    );
  }
  // loadStateDict copies (as @funt/layers modules do), so the loaded tensors can go.
  run.takeBackLiveState();
  run.model.loadStateDict(model, { strict: true });
  for (const t of Object.values(model)) t.dispose();
  run.rule.loadState({
    rule: state.rule.name,
    config: state.rule.config,
    scalars: state.rule.scalars,
    tensors: optimizer,
  });
  for (const t of Object.values(optimizer)) t.dispose();
  run.schedule.loadState(state.schedule);
  run.state.restore(state, run.model);
  run.history = History.fromJSON(state.history);
  run.best.load(state.bestValAcc, state.bestEpoch, best);
  run.lastCheckpoint = path;
}

/** The run's configuration, stored in the checkpoint for the record. */
function describeConfig(run: TrainingRun): Record<string, unknown> {
  const o = run.options;
  return {
    batchSize: o.batchSize,
    numEpochs: o.numEpochs,
    updateRule: run.rule.name,
    optimConfig: run.rule.config,
    schedule: run.schedule.state(),
    warmupEpochs: o.warmupEpochs,
    numTrainSamples: o.numTrainSamples,
    numValSamples: o.numValSamples,
    topK: o.topK,
    seed: o.seed,
    augment: o.augment !== null,
    patience: o.patience,
    // JSON has no ∞ (it would write null, which means "off").
    clipGradNorm: o.clipGradNorm === Infinity ? 'Infinity' : o.clipGradNorm,
  };
}
