#!/usr/bin/env node
/**
 * Compiles the AssemblyScript kernels (assembly/index.ts) to build/kernels.wasm.
 *
 * The module imports one shared memory (created by src/backends/wasm/kernels.ts) so that tensor
 * storage, kernel scratch and, later, worker threads all see the same bytes, and so that typed
 * arrays over it never detach when it grows. The stub runtime is enough: kernels never allocate.
 * SIMD is the baseline WebAssembly SIMD (128-bit); relaxed SIMD stays off because Node 20 only
 * has it behind a flag.
 *
 * Any compiler diagnostic that is an error fails the build with a non-zero exit code.
 * Pass --text to also write build/kernels.wat (to inspect the generated micro-kernels).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');
mkdirSync(out, { recursive: true });

const args = [
  join(root, 'assembly', 'index.ts'),
  '--outFile',
  join(out, 'kernels.wasm'),
  '--runtime',
  'stub',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  // 4 GiB: the whole wasm32 address space. Shared memories reserve it up front (virtual only).
  '--maximumMemory',
  '65536',
  '--enable',
  'simd',
  '--enable',
  'threads',
  '-O3',
  '--noAssert',
];
if (process.argv.includes('--text')) args.push('--textFile', join(out, 'kernels.wat'));

const stderr = [];
const { error } = await asc.main(args, {
  stdout: process.stdout,
  stderr: {
    write: (chunk) => {
      stderr.push(String(chunk));
      return true;
    },
  },
});
const diagnostics = stderr.join('');
if (error || /\bERROR\b/.test(diagnostics)) {
  process.stderr.write(diagnostics);
  process.stderr.write(`\nbuild-wasm: AssemblyScript compilation failed${error ? `: ${error.message}` : ''}\n`);
  process.exit(1);
}
if (diagnostics.trim()) process.stderr.write(diagnostics);
console.log(`build-wasm: wrote ${join('build', 'kernels.wasm')}`);
