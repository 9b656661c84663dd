#include "cpu.h"

namespace funt {

const char* cpu_level() {
  __builtin_cpu_init();
  // __builtin_cpu_supports checks the OS's XSAVE state (ymm, zmm and mask registers saved).
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return nullptr;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq"))
    return "avx512";
  return "avx2";
}

}  // namespace funt
