// The instruction level a convolution kernel file is compiled for. binding.gyp compiles conv.cc,
// conv_direct.cc, gemm.cc and winograd.cc twice, with -DFUNT_ISA=avx2 (-mavx2 -mfma) and with
// -DFUNT_ISA=avx512 (-mavx512f -mavx512vl -mavx512bw -mavx512dq): FUNT_ISA is the namespace a
// build's code lives in, so both builds link into one addon, which picks one at run time (cpu.h).
// The two builds share their source; where the AVX-512 one differs (16-lane products and sums,
// mask-register loads), the code tests FUNT_WIDE.
#pragma once

#if !defined(FUNT_ISA)
#error "compile the convolution kernels with -DFUNT_ISA=avx2 or -DFUNT_ISA=avx512 (see binding.gyp)"
#endif

#if defined(__AVX512F__) && defined(__AVX512VL__)
#define FUNT_WIDE 1
#else
#define FUNT_WIDE 0
#endif
