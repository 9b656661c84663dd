#include "cpu.h"

namespace funt {

const char* cpu_level() {
  __builtin_cpu_init();
  // __builtin_cpu_supports checks the OS's XSAVE state (ymm registers saved) for avx2.
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  return nullptr;
}

}  // namespace funt
