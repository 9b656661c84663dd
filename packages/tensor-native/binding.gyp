{
  "targets": [
    {
      # The AVX2 + FMA kernels, compiled for those instructions; the addon calls them only after
      # cpu_level() has found them on the CPU.
      "target_name": "funt_avx2",
      "type": "static_library",
      "sources": ["native/conv_avx2.cc", "native/conv_direct_avx2.cc", "native/gemm_avx2.cc",
                  "native/winograd_avx2.cc"],
      "cflags_cc": ["-O3", "-mavx2", "-mfma", "-std=c++17", "-fno-exceptions"],
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
      "dependencies": ["funt_avx2", "funt_avx2_pointwise"],
      "cflags_cc": ["-O2", "-std=c++17"],
      "libraries": ["-lpthread"]
    }
  ]
}
