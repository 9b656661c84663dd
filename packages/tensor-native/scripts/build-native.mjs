#!/usr/bin/env node
// Compiles the native kernels with node-gyp against the installed Node's headers. A machine
// without a C++ toolchain (or without node-gyp) is not an error: the reason is written to
// build/unavailable.txt, printed once, and the package then registers no backend, so funt runs
// on its wasm backend. FUNT_NATIVE_BUILD=0 skips the build on purpose.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'funt_native.node');
const reasonFile = join(root, 'build', 'unavailable.txt');

function unavailable(reason) {
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(reasonFile, `${reason}\n`);
  console.warn(`@funt/tensor-native: not built (${reason}); funt will use its wasm backend`);
  process.exit(0);
}

/** node-gyp: the one npm runs install scripts with, npm's own copy, or one on PATH. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  for (const c of candidates) if (c && existsSync(c)) return [process.execPath, c];
  const probe = spawnSync('node-gyp', ['--version'], { encoding: 'utf8' });
  if (!probe.error && probe.status === 0) return ['node-gyp'];
  return null;
}

/** Whether the addon is newer than binding.gyp and every file in native/, so a build can be skipped. */
function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const sources = ['binding.gyp', ...readdirSync(join(root, 'native')).map((f) => join('native', f))];
  return sources.every((s) => statSync(join(root, s)).mtimeMs < built);
}

if (process.env.FUNT_NATIVE_BUILD === '0') unavailable('FUNT_NATIVE_BUILD=0');
if (process.arch !== 'x64') unavailable(`the kernels are x86-64 only, this is ${process.arch}`);
if (upToDate()) {
  rmSync(reasonFile, { force: true });
  process.exit(0);
}
const gyp = findNodeGyp();
if (!gyp) unavailable('node-gyp not found');
// Node's own headers when they are installed (Debian's nodejs-dev: /usr/include/node), so that
// node-gyp downloads nothing.
const nodedir = ['/usr/include/node', join(dirname(process.execPath), '..', 'include', 'node')].find((d) =>
  existsSync(join(d, 'node_api.h')),
);
const args = [...gyp.slice(1), 'rebuild', '--jobs=2'];
if (nodedir && !process.env.npm_config_nodedir) args.push(`--nodedir=${dirname(dirname(nodedir))}`);
const r = spawnSync(gyp[0], args, { cwd: root, encoding: 'utf8', env: { ...process.env } });
if (r.error || r.status !== 0) {
  // The lines that say what went wrong, without node-gyp's stack and environment dump.
  const noise = /^gyp (ERR|info)! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/;
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`
    .split('\n')
    .filter((l) => l.trim() && !noise.test(l))
    .slice(-6)
    .join('\n');
  unavailable(`node-gyp failed${r.error ? `: ${r.error.message}` : ` with exit code ${r.status}`}\n${log}`);
}
rmSync(reasonFile, { force: true });
