import { type ProgramHandlers, runProgram } from '../cli/program.js';

/** The command-line program with handlers that record their name and arguments, and what it printed. */
export function programHarness() {
  const calls: { name: string; args: unknown[] }[] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) =>
      void calls.push({ name, args });
  const handlers = new Proxy({} as ProgramHandlers, { get: (_t, name) => record(String(name)) });
  let out = '';
  let err = '';
  const run = (argv: string[]) =>
    runProgram(handlers, argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { calls, run, out: () => out, err: () => err };
}
