/**
 * Bad input the user can fix (a value out of range, a missing file or folder, a flag that
 * needs another): thrown by the commands and the modules below them, and reported by the
 * command-line program like a bad flag — one line and the usage, exit code 2.
 */
export class UsageError extends Error {}

/**
 * A run stopped by a signal (Ctrl-C, SIGTERM) after saving what it could. The program exits
 * with 128 + the signal's number (130 for SIGINT), as shells and other command-line tools do,
 * so that scripts can tell an interrupted run from a finished one.
 */
export class InterruptedError extends Error {
  /** The exit status: 128 + the signal's number. */
  readonly exitCode: number;
  constructor(
    message: string,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(message);
    this.name = 'InterruptedError';
    this.exitCode = 128 + (signal === 'SIGTERM' ? 15 : signal === 'SIGHUP' ? 1 : 2);
  }
}
