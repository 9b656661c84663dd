{
  "targets": [
    {
      # The convolution kernels for AVX2 + FMA, and the same sources for AVX-512 (native/isa.h):
      # each build in a namespace of its own, the addon calls one after cpu_level() has found
      # its instructions. Both archives come after the addon's own objects in the link, and the
      # AVX2 one first, so where both builds instantiate the same inline library function
      # (std::vector's, say) the linker keeps a copy every level can run.
      "target_name": "funt_avx2",
      "type": "static_library",
      "sources": ["native/conv.cc", "native/conv_direct.cc", "native/gemm.cc", "native/winograd.cc"],
      "cflags_cc": ["-O3", "-mavx2", "-mfma", "-std=c++17", "-fno-exceptions", "-DFUNT_ISA=avx2"],
      "cflags_cc!": ["-fno-rtti"]
    },
    {
      "target_name": "funt_avx512",
      "type": "static_library",
      "sources": ["native/conv.cc", "native/conv_direct.cc", "native/gemm.cc", "native/winograd.cc"],
      "cflags_cc": ["-O3", "-mavx2", "-mfma", "-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq",
                    "-std=c++17", "-fno-exceptions", "-DFUNT_ISA=avx512"],
      "cflags_cc!": ["-fno-rtti"]
    },
    {
      # Average pooling, batch norm and the elementwise kernels, with -ffp-contract=off: GCC
      # would otherwise fuse an intrinsic multiply and add into one FMA, so that axpby's beta * out + alpha * x would
      # round differently from the wasm kernel's two products and sum (FMAs the kernels want
      # are written as FMAs).
      "target_name": "funt_avx2_pointwise",
      "type": "static_library",
      "sources": ["native/avgpool_avx2.cc", "native/batchnorm_avx2.cc", "native/elementwise_avx2.cc"],
      "cflags_cc": ["-O3", "-mavx2", "-mfma", "-std=c++17", "-fno-exceptions", "-ffp-contract=off"],
      "cflags_cc!": ["-fno-rtti"]
    },
    {
      "target_name": "funt_native",
      "sources": ["native/addon.cc", "native/cpu.cc", "native/pad.cc", "native/scratch.cc",
                  "native/thread_pool.cc"],
      "dependencies": ["funt_avx2", "funt_avx512", "funt_avx2_pointwise"],
      "cflags_cc": ["-O2", "-std=c++17"],
      "libraries": ["-lpthread"]
    }
  ]
}
