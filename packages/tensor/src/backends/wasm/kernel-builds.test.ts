import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WebAssemblyApi } from '../../webassembly-api.js';
import { chooseKernelBuild, KERNEL_BUILDS, relaxedSimdSupported } from './kernel-builds.js';
import { kernelBuild } from './kernels.js';

const original = process.env.FUNT_KERNELS;

afterEach(() => {
  if (original === undefined) delete process.env.FUNT_KERNELS;
  else process.env.FUNT_KERNELS = original;
});

describe('the kernel builds', () => {
  it('loads the build this vitest project names (FUNT_KERNELS)', () => {
    expect(original === 'relaxed-simd' || original === 'simd').toBe(true);
    expect(kernelBuild()).toBe(original);
  });

  it('detects relaxed SIMD, which the setup file turned on, and prefers it', () => {
    expect(relaxedSimdSupported()).toBe(true);
    delete process.env.FUNT_KERNELS;
    expect(chooseKernelBuild().name).toBe('relaxed-simd');
  });

  it('has two different files, each valid here, and only the relaxed one uses relaxed SIMD', () => {
    const bytes = Object.fromEntries(KERNEL_BUILDS.map((b) => [b.name, readFileSync(b.url)]));
    for (const b of KERNEL_BUILDS) expect(WebAssemblyApi.validate(bytes[b.name] as Uint8Array), b.name).toBe(true);
    // f32x4.relaxed_madd is 0xfd 0x85 0x02.
    const madd = Buffer.from([0xfd, 0x85, 0x02]);
    expect((bytes['relaxed-simd'] as Buffer).includes(madd)).toBe(true);
    expect(Buffer.compare(bytes['relaxed-simd'] as Buffer, bytes.simd as Buffer)).not.toBe(0);
  });

  it('names FUNT_KERNELS and the valid builds when the variable is wrong', () => {
    process.env.FUNT_KERNELS = 'avx512';
    expect(() => chooseKernelBuild()).toThrow(/FUNT_KERNELS must be one of 'relaxed-simd', 'simd', got 'avx512'/);
    process.env.FUNT_KERNELS = 'simd';
    expect(chooseKernelBuild().name).toBe('simd');
  });
});
