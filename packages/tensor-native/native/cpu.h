// Which of the kernels' instruction levels this CPU (and its operating system) supports.
#pragma once

namespace funt {

// The best level: "avx512" when the CPU has AVX-512 F, VL, BW and DQ (and the OS saves zmm
// registers), else "avx2" when it has AVX2 and FMA (and the OS saves ymm registers), else
// nullptr (the backend is not offered). Only the convolutions have an AVX-512 build (isa.h);
// the pointwise kernels run their AVX2 code on both levels.
const char* cpu_level();

}  // namespace funt
