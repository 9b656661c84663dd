// Which of the kernels' instruction sets this CPU (and its operating system) supports.
#pragma once

namespace funt {

// "avx2" when the CPU has AVX2 and FMA and the OS saves ymm registers; otherwise nullptr (the
// backend is not offered). There is no AVX-512 path yet.
const char* cpu_level();

}  // namespace funt
