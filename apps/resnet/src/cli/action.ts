import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/**
 * What every subcommand's action shares. Commander hands an action its positional arguments,
 * then the parsed flags, then the command; each subcommand declares the types of those it reads.
 */
// biome-ignore lint/suspicious/noExplicitAny: commander's action arguments are untyped by design
type Action = (...args: any[]) => Promise<void>;

/** Sets the action; a UsageError it throws becomes commander's error (one line + usage, exit 2). */
export function act(cmd: Command, fn: Action): Command {
  return cmd.action(async (...args: Parameters<Action>) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof UsageError) cmd.error(e.message, { exitCode: 2, code: 'funt.usage' });
      throw e;
    }
  });
}

export function checkFolder(flag: string, path: string): void {
  if (!existsSync(path)) throw new UsageError(`${flag} ${path} does not exist`);
}
