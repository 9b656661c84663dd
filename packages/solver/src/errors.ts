/**
 * A problem with what the solver was given (data, options, update rule, schedule, checkpoint),
 * found before training starts. The message names the offending value, what was expected and
 * what was received.
 */
export class SolverConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SolverConfigError';
  }
}

/**
 * Training diverged: the loss or the model's state stopped being finite. Training stops at
 * once, writing no checkpoint: the last checkpoint (named by `lastCheckpoint`) holds only
 * finite values, since every checkpoint is checked before it is written.
 */
export class DivergenceError extends Error {
  /** 1-based iteration of the run, and 1-based epoch, at which the problem was found. */
  readonly iteration: number;
  readonly epoch: number;
  /** The checkpoint last written or loaded, or null. */
  readonly lastCheckpoint: string | null;
  /** `what` says what happened, and `when` ('at' or 'after') how it relates to the iteration. */
  constructor(what: string, when: 'at' | 'after', iteration: number, epoch: number, lastCheckpoint: string | null) {
    super(
      `${what} ${when} iteration ${iteration} (epoch ${epoch}); stopped. ` +
        (lastCheckpoint ? `The last good checkpoint is '${lastCheckpoint}'.` : 'No checkpoint was written.') +
        ' Try a smaller learning rate.',
    );
    this.name = 'DivergenceError';
    this.iteration = iteration;
    this.epoch = epoch;
    this.lastCheckpoint = lastCheckpoint;
  }
}

/** The training loss became NaN or infinite (found before the update, so the parameters are those of the iteration before). */
export class NonFiniteLossError extends DivergenceError {
  readonly loss: number;
  constructor(iteration: number, epoch: number, loss: number, lastCheckpoint: string | null) {
    super(`training loss became ${loss}`, 'at', iteration, epoch, lastCheckpoint);
    this.name = 'NonFiniteLossError';
    this.loss = loss;
  }
}

/**
 * A tensor of the run holds NaN or ∞ while the loss is still finite: a huge learning rate can
 * overflow batch norm's running variance or Adam's second moment without touching the loss,
 * and ReLU turns NaN into 0. The whole state is checked at the end of every epoch (before the
 * best model is kept) and before every checkpoint is written.
 */
export class NonFiniteParameterError extends DivergenceError {
  /**
   * The tensor: a model state-dict entry (a parameter such as 'conv1.weight' or a buffer such
   * as 'bn1.running_var'), or an update-rule state tensor 'optim/<parameter index>/<slot>'.
   */
  readonly parameter: string;
  /** Flat index and value of its first non-finite element. `iteration` is the last one done when it was found. */
  readonly index: number;
  readonly value: number;
  constructor(
    parameter: string,
    index: number,
    value: number,
    iteration: number,
    epoch: number,
    lastCheckpoint: string | null,
  ) {
    super(`${describeTensor(parameter)} holds ${value} (element ${index})`, 'after', iteration, epoch, lastCheckpoint);
    this.name = 'NonFiniteParameterError';
    this.parameter = parameter;
    this.index = index;
    this.value = value;
  }
}

function describeTensor(name: string): string {
  return name.startsWith('optim/') ? `update-rule state '${name}'` : `model tensor '${name}'`;
}
