import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Test support: runs the .mjs children beside this file (not part of the package build). */

/** The children import the built package, as a user would: a missing build is named, not a crash in the child. */
export function expectBuiltPackage(): void {
  if (!fs.existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) {
    throw new Error(
      'packages/solver/dist is missing: run `pnpm --filter @funt/solver build` before these tests (turbo does)',
    );
  }
}

/** Spawns `script` (a file in src/testing/) and resolves `ready` when its stdout has matched `ready`. */
export function startChild(
  script: string,
  args: string[],
  ready: RegExp,
): { child: ChildProcess; ready: Promise<void>; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const readyPromise = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      out += c;
      if (ready.test(out)) resolve();
    });
    child.stderr!.on('data', (c) => (err += c));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${err || out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready: readyPromise, output: () => out, exit };
}
