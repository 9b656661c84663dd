import type { RngState, Tensor } from '@funt/tensor';
import { SolverConfigError } from '../errors.js';
import type { EpochRecord, IterationRecord, StopRecord } from '../history.js';
import { platform } from '../platform/platform.js';
import type { ScheduleState } from '../schedule/schedule.js';

/** Metadata key holding the solver state as JSON. */
const CHECKPOINT_METADATA_KEY = 'funt.solver';
export const CHECKPOINT_VERSION = 1;

/** Everything of a run that is not a tensor: enough to continue it exactly where it stopped. */
export interface CheckpointState {
  version: number;
  /** Epoch in progress (0-based) and the iterations of it already done. */
  epoch: number;
  iterationInEpoch: number;
  /** Iterations and training images since the start of the run. */
  iteration: number;
  imagesSeen: number;
  /** The data-order generator at the start of epoch `epoch` (the epoch's permutation is redrawn from it). */
  shuffleRng: RngState;
  /** The augmentation generator before iteration `iterationInEpoch`. */
  augmentRng: RngState;
  /** Generators inside the model (dropout), by module path, before iteration `iterationInEpoch`. */
  moduleRngs: Record<string, RngState>;
  /** Running sums of the epoch in progress. */
  epochLossSum: number;
  epochTrainSeconds: number;
  epochLearningRate: number;
  bestValAcc: number;
  bestEpoch: number;
  rule: { name: string; config: Record<string, number | boolean>; scalars: Record<string, number> };
  schedule: ScheduleState;
  history: { iterations: IterationRecord[]; epochs: EpochRecord[]; stop?: StopRecord };
  /** The solver options of the run, for the record. */
  config: Record<string, unknown>;
  /** Names of the model's parameters, in the update rule's order. */
  parameterNames: string[];
}

interface CheckpointContents {
  state: CheckpointState;
  model: Record<string, Tensor>;
  /** The update rule's tensors, keyed `<parameter index>/<slot>`. */
  optimizer: Record<string, Tensor>;
  /** The best model so far (by validation accuracy), if any. */
  best: Record<string, Tensor> | null;
}

const PREFIX = { model: 'model/', optimizer: 'optim/', best: 'best/' } as const;

/**
 * Writes a checkpoint as ONE safetensors file: tensors `model/…`, `optim/…`, `best/…`, and the
 * state as JSON in the header's `__metadata__`. The write is atomic (temp file, fsync, rename),
 * so a crash or kill at any moment leaves the previous checkpoint intact.
 */
export function writeCheckpointFile(path: string, contents: CheckpointContents): void {
  const tensors: Record<string, Tensor> = {};
  const add = (prefix: string, group: Record<string, Tensor> | null) => {
    for (const [k, t] of Object.entries(group ?? {})) tensors[prefix + k] = t;
  };
  add(PREFIX.model, contents.model);
  add(PREFIX.optimizer, contents.optimizer);
  add(PREFIX.best, contents.best);
  platform().files.saveTensors(tensors, path, { [CHECKPOINT_METADATA_KEY]: JSON.stringify(contents.state) });
}

/** Reads a checkpoint written by writeCheckpointFile; a file of another kind is a clear error. */
export function readCheckpointFile(path: string): CheckpointContents {
  const { tensors, metadata } = platform().files.loadTensors(path);
  const json = metadata[CHECKPOINT_METADATA_KEY];
  if (json === undefined) {
    throw new SolverConfigError(
      `'${path}' is not a funt solver checkpoint (its metadata has no '${CHECKPOINT_METADATA_KEY}')`,
    );
  }
  let state: CheckpointState;
  try {
    state = JSON.parse(json);
  } catch (err) {
    throw new SolverConfigError(`checkpoint '${path}': the solver state is not valid JSON (${(err as Error).message})`);
  }
  if (state?.version !== CHECKPOINT_VERSION) {
    throw new SolverConfigError(
      `checkpoint '${path}': version ${String(state?.version)} is not supported (expected ${CHECKPOINT_VERSION})`,
    );
  }
  const groups: Record<keyof typeof PREFIX, Record<string, Tensor>> = { model: {}, optimizer: {}, best: {} };
  for (const [name, t] of Object.entries(tensors)) {
    const group = (Object.keys(PREFIX) as (keyof typeof PREFIX)[]).find((g) => name.startsWith(PREFIX[g]));
    if (!group) throw new SolverConfigError(`checkpoint '${path}': unexpected tensor '${name}'`);
    groups[group][name.slice(PREFIX[group].length)] = t;
  }
  return {
    state,
    model: groups.model,
    optimizer: groups.optimizer,
    best: Object.keys(groups.best).length > 0 ? groups.best : null,
  };
}
