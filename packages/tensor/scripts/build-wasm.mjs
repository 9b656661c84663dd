#!/usr/bin/env node
/**
 * Compiles the AssemblyScript kernels (assembly/index.ts) twice, from the same sources:
 *   build/kernels.wasm          baseline WebAssembly SIMD (128-bit), which every engine with SIMD runs
 *   build/kernels-relaxed.wasm  the same plus relaxed SIMD (`madd` in assembly/util.ts becomes
 *                               `f32x4.relaxed_madd`, a fused multiply-add on CPUs with FMA)
 * The loader picks one at run time by feature detection (src/backends/wasm/kernel-builds.ts).
 *
 * The module imports one shared memory (created by src/backends/wasm/kernel-memory.ts) so that
 * tensor storage, kernel scratch and worker threads all see the same bytes, and so that typed
 * arrays over it never detach when it grows. The stub runtime is enough: kernels never allocate.
 *
 * Any compiler diagnostic that is an error fails the build with a non-zero exit code.
 * Pass --text to also write build/kernels.wat and build/kernels-relaxed.wat (to inspect the
 * generated micro-kernels).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');
mkdirSync(out, { recursive: true });

/** The builds: output name and the WebAssembly features beyond threads each enables. */
const BUILDS = [
  { name: 'kernels', features: ['simd'] },
  { name: 'kernels-relaxed', features: ['simd', 'relaxed-simd'] },
];

for (const build of BUILDS) await compile(build);

async function compile({ name, features }) {
  const args = [
    join(root, 'assembly', 'index.ts'),
    '--outFile',
    join(out, `${name}.wasm`),
    '--runtime',
    'stub',
    '--importMemory',
    '--sharedMemory',
    '--initialMemory',
    '1',
    // 4 GiB: the whole wasm32 address space. Shared memories reserve it up front (virtual only).
    '--maximumMemory',
    '65536',
    ...features.flatMap((f) => ['--enable', f]),
    '--enable',
    'threads',
    '-O3',
    '--noAssert',
  ];
  if (process.argv.includes('--text')) args.push('--textFile', join(out, `${name}.wat`));

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
    process.stderr.write(
      `\nbuild-wasm: AssemblyScript compilation of ${name} failed${error ? `: ${error.message}` : ''}\n`,
    );
    process.exit(1);
  }
  if (diagnostics.trim()) process.stderr.write(diagnostics);
  console.log(`build-wasm: wrote ${join('build', `${name}.wasm`)}`);
}
