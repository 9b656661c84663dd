/**
 * Turns SIGINT/SIGTERM into a stop request: the training loop finishes the current iteration,
 * writes a checkpoint and returns. A second signal while stopping restores the default
 * behaviour and re-raises it, so a stuck run can still be killed with a second Ctrl-C.
 */
export class InterruptWatch {
  private readonly signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  private installed = false;

  constructor(private readonly onSignal: (signal: NodeJS.Signals) => void) {}

  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.received) {
      this.uninstall();
      process.kill(process.pid, signal);
      return;
    }
    this.received = signal;
    this.onSignal(signal);
  };

  received: NodeJS.Signals | null = null;

  install(): void {
    if (this.installed) return;
    for (const s of this.signals) process.on(s, this.handler);
    this.installed = true;
  }

  uninstall(): void {
    if (!this.installed) return;
    for (const s of this.signals) process.off(s, this.handler);
    this.installed = false;
  }
}
