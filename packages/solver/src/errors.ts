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
 * The training loss became NaN or infinite. Training stops at once, without overwriting the
 * last checkpoint (which holds the last parameters that gave a finite loss).
 */
export class NonFiniteLossError extends Error {
  /** 1-based iteration of the run, and 1-based epoch, at which the loss was not finite. */
  readonly iteration: number;
  readonly epoch: number;
  readonly loss: number;
  constructor(iteration: number, epoch: number, loss: number, lastCheckpoint: string | null) {
    super(
      `training loss became ${loss} at iteration ${iteration} (epoch ${epoch}); stopped. ` +
        (lastCheckpoint ? `The last good checkpoint is '${lastCheckpoint}'.` : 'No checkpoint was written.') +
        ' Try a smaller learning rate.',
    );
    this.name = 'NonFiniteLossError';
    this.iteration = iteration;
    this.epoch = epoch;
    this.loss = loss;
  }
}
