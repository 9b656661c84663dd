import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensors } from '@funt/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * How training stops, through the built command-line program. Ctrl-C: the run stops after the
 * current iteration, every artefact named "best" holds the best epoch's parameters, the exit
 * status is 130, and --resume continues from the checkpoint. Divergence: a clear message, a
 * non-zero exit, and no model holding NaN or ∞.
 */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'funt-interrupt-'));

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (pnpm --filter @funt/resnet build)`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A learning rate high enough that validation accuracy peaks early and then wobbles: the best
// epoch is not the last one, and the run stops in the middle of an epoch.
const flags = (out: string) => [
  'train',
  '--dataset',
  'synthetic',
  '--n',
  '1',
  '--filters',
  '4',
  '--batch-size',
  '32',
  '--schedule',
  'constant',
  '--lr',
  '0.3',
  '--out',
  out,
  '--checkpoint-every',
  '1',
  '--no-report',
];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A training started in the background: its process, its output so far, and its end. */
function startTraining(out: string, extra: string[] = []) {
  const child = spawn(process.execPath, [CLI, ...flags(out), '--epochs', '40', '--progress', 'lines', ...extra], {
    cwd: tmp,
  });
  const output = { out: '', err: '' };
  child.stdout.on('data', (d: Buffer) => {
    output.out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output.err += d.toString();
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...output }));
  });
  return { child, output, done };
}

/**
 * Starts training and sends SIGINT `delayMs` after the output matches `when` (the end of an
 * epoch: the signal then arrives during the next one); resolves with the exit status and output.
 */
async function trainAndInterrupt(
  out: string,
  when: RegExp,
  { delayMs = 0, extra = [] as string[] } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const t = startTraining(out, extra);
  t.child.stdout.on('data', () => {
    if (when.test(t.output.out)) {
      when = /$^/; // once
      setTimeout(() => t.child.kill('SIGINT'), delayMs);
    }
  });
  return t.done;
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('Ctrl-C during funt-resnet train', () => {
  const run = join(tmp, 'interrupted');

  it('saves the best epoch as the best model and exits with 130', async () => {
    const r = await trainAndInterrupt(run, /^epoch 4\/40: /m);
    expect(r.err).toMatch(/interrupted by SIGINT/);
    expect(r.code).toBe(130);
    expect(r.out).toMatch(/stopped at epoch 5, iteration \d+/);
    const epochs: { epoch: number; valAcc: number }[] = json(join(run, 'history.json')).epochs;
    expect(epochs).toHaveLength(4);
    const best = epochs.reduce((a, b) => (b.valAcc > a.valAcc ? b : a));
    expect(r.out).toContain(`the model holds the best parameters (epoch ${best.epoch})`);

    // The same run, trained for exactly `best.epoch` epochs: its final checkpoint holds the
    // parameters the best epoch ended with (same seed, same bits).
    const reference = join(tmp, 'reference');
    expect(cli(...flags(reference), '--epochs', String(best.epoch), '--progress', 'none').code).toBe(0);
    const want = loadSafetensors(join(reference, 'checkpoint.safetensors')).tensors;
    const got = loadSafetensors(join(run, 'best-model.safetensors')).tensors;
    const names = Object.keys(got).filter((k) => k.startsWith('model.'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const w = want[`model/${name.slice('model.'.length)}`];
      expect(w, name).toBeDefined();
      expect(Buffer.from(got[name].data.buffer, got[name].data.byteOffset, got[name].data.byteLength)).toEqual(
        Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength),
      );
    }
    // results.json evaluates that same model.
    expect(json(join(run, 'results.json')).count).toBe(200);
  }, 120_000);

  it('continues from the checkpoint with --resume', () => {
    const r = cli(...flags(run), '--epochs', '6', '--resume', '--progress', 'none');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const history = json(join(run, 'history.json'));
    expect(history.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.iterations).toHaveLength(6 * 34);
  }, 120_000);

  it('writes no best model when stopped before the first epoch ends', async () => {
    const early = join(tmp, 'early');
    // A wider network makes the first epoch last seconds on every backend (the native one runs
    // a narrower network's epoch in about one); the signal comes one second in.
    const r = await trainAndInterrupt(early, /^run folder: /m, {
      delayMs: 1000,
      extra: ['--n', '3', '--filters', '32'],
    });
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/before the first epoch ended: no best model/);
    expect(existsSync(join(early, 'best-model.safetensors'))).toBe(false);
    expect(existsSync(join(early, 'checkpoint.safetensors'))).toBe(true);
  }, 120_000);
});

describe('a diverging funt-resnet train', () => {
  it('stops with a message naming the tensor, exits non-zero and keeps no non-finite model', () => {
    const run = join(tmp, 'diverged');
    // The loss stays finite at this rate while the weights overflow, on the wasm backend: which
    // of the two turns non-finite first depends on every last bit of the diverging run, so the
    // backend is fixed (the native one, whose batch norm rounds differently, meets a NaN loss first).
    const r = cli(
      ...flags(run).map((f) => (f === '0.3' ? '1000' : f)),
      '--epochs',
      '3',
      '--progress',
      'none',
      '--backend',
      'wasm',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^funt-resnet: model tensor '[\w.]+' holds (NaN|-?Infinity) \(element \d+\) after iteration \d+/,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(run, 'best-model.safetensors'))).toBe(false);
    expect(existsSync(join(run, 'results.json'))).toBe(false);
  }, 60_000);
});

describe('one run per folder', () => {
  it('refuses a second training into a folder in use, and a reused folder without --resume or --overwrite', async () => {
    const run = join(tmp, 'shared');
    const first = startTraining(run);
    // Wait for the first training to hold the folder.
    while (!existsSync(join(run, 'config.json'))) await new Promise((r) => setTimeout(r, 50));
    const second = cli(...flags(run), '--epochs', '1', '--progress', 'none');
    first.child.kill('SIGINT');
    expect(second.code).toBe(2);
    expect(second.err).toMatch(
      new RegExp(`^funt-resnet train: run folder .*shared is in use by process ${first.child.pid} \\(lock file`),
    );
    expect((await first.done).code).toBe(130);
    const config = readFileSync(join(run, 'config.json'), 'utf8');

    const again = cli(...flags(run), '--epochs', '1', '--progress', 'none');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/is not empty \(.*\): add --resume to continue its run, or --overwrite to replace it/);

    // A refused resume writes nothing.
    const otherModel = cli(...flags(run), '--epochs', '3', '--resume', '--filters', '8', '--progress', 'none');
    expect(otherModel.code).toBe(2);
    expect(otherModel.err).toMatch(/cannot continue with other settings: model\.filters was 4, now 8/);
    const otherRate = cli(...flags(run).map((f) => (f === '0.3' ? '0.1' : f)), '--epochs', '3', '--resume');
    expect(otherRate.code).toBe(2);
    expect(otherRate.err).toMatch(/training\.solverRule\.config\.learningRate was 0\.3, now 0\.1; add --allow-changes/);
    expect(readFileSync(join(run, 'config.json'), 'utf8')).toBe(config);
    expect(existsSync(join(run, '.lock'))).toBe(false);

    const replaced = cli(...flags(run), '--epochs', '1', '--overwrite', '--progress', 'none');
    expect(replaced.code).toBe(0);
    expect(json(join(run, 'history.json')).epochs).toHaveLength(1);
  }, 120_000);
});
