#!/usr/bin/env node
// The one entry point behind the README's commands. It needs only Node >= 20.19 and npm:
// it finds pnpm 10 (or runs it through `npm exec`, without corepack, whose signature check
// fails on this Node), installs the workspace from the lockfile when needed, builds with
// turbo, and then runs the requested job.
//
//   node scripts/funt.mjs start [args…]   set up, then run the main job (funt-resnet quickstart)
//   node scripts/funt.mjs resnet <cmd…>   set up, then run any funt-resnet command
//   node scripts/funt.mjs test            set up, then run every package's tests and print one summary line
//   node scripts/funt.mjs bench           set up, then run every benchmark
//   node scripts/funt.mjs playground      set up, then serve the built playground page (with the isolation headers)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args) {
  const status = run(cmd, args);
  if (status !== 0) {
    console.error(`funt: '${[cmd, ...args].join(' ')}' failed with exit code ${status}`);
    process.exit(status);
  }
}

/** pnpm as [command, ...prefixArgs]: a pnpm 10 on PATH, else the pinned one through npm exec. */
function findPnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  if (!probe.error && probe.status === 0 && probe.stdout.trim().split('.')[0] === PNPM_VERSION.split('.')[0]) {
    return ['pnpm'];
  }
  return ['npm', 'exec', '--yes', `--package=pnpm@${PNPM_VERSION}`, '--', 'pnpm'];
}

function newer(a, b) {
  return statSync(a).mtimeMs > statSync(b).mtimeMs;
}

function setup(pnpm) {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (!existsSync(marker) || newer(lock, marker)) {
    must(pnpm[0], [...pnpm.slice(1), 'install', '--frozen-lockfile']);
  }
  must(pnpm[0], [...pnpm.slice(1), 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}

function workspacePackages() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      if (existsSync(join(base, name, 'package.json'))) dirs.push(join(base, name));
    }
  }
  return dirs;
}

const RESULT_FILE = '.vitest-result.json';

/** Runs every package's vitest suite through turbo and prints one closing line for all of them. */
function test(pnpm) {
  for (const dir of workspacePackages()) rmSync(join(dir, RESULT_FILE), { force: true });
  const status = run(pnpm[0], [...pnpm.slice(1), 'exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue']);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const missing = [];
  for (const dir of workspacePackages()) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!pkg.scripts?.test) continue;
    const file = join(dir, RESULT_FILE);
    if (!existsSync(file)) {
      missing.push(pkg.name);
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0);
    skipped += r.numPendingTests + r.numTodoTests;
  }
  if (missing.length) console.error(`funt: no test results from ${missing.join(', ')}`);
  console.log(`\ntests: ${passed} passed, ${failed + missing.length} failed, ${skipped} skipped`);
  if (passed === 0) {
    console.error('funt: no test ran');
    return 1;
  }
  return status !== 0 || failed > 0 || missing.length > 0 ? 1 : 0;
}

const [job = 'start', ...rest] = process.argv.slice(2);
const pnpm = findPnpm();
setup(pnpm);
/** Runs the job and returns its exit code. */
function main() {
  switch (job) {
    case 'setup':
      return 0;
    case 'test':
      return test(pnpm);
    case 'bench':
      return run(pnpm[0], [...pnpm.slice(1), 'exec', 'turbo', 'run', 'bench', '--concurrency=1']);
    case 'playground':
      // The page that trains a ResNet in the tab, built by setup, served by `vite preview` with COOP/COEP.
      return run(pnpm[0], [...pnpm.slice(1), '--filter', '@funt/playground', 'preview', ...rest]);
    case 'start':
      // The main job: train a ResNet on the embedded MNIST digits (funt-resnet quickstart).
      return run('node', [join(root, 'apps', 'resnet', 'dist', 'cli.js'), 'quickstart', ...rest]);
    case 'resnet':
      // Any funt-resnet command: `pnpm resnet train --dataset cifar10 --data-dir …`.
      return run('node', [join(root, 'apps', 'resnet', 'dist', 'cli.js'), ...rest], {
        cwd: process.env.INIT_CWD || root,
      });
    default:
      console.error(`funt: unknown job '${job}' (expected start, test, bench, resnet, playground or setup)`);
      return 2;
  }
}
process.exit(main());
