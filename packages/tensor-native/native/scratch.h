// Per-thread scratch buffers of the kernels, kept between calls (a training step reuses them).
#pragma once
#include <cstddef>

namespace funt {

// A buffer of at least `floats` floats for thread `thread` of the pool (slot `slot` of it: a kernel
// needing two buffers uses slots 0 and 1). Grow them from the calling thread before a parallel_for.
float* scratch(int thread, int slot, std::size_t floats);

}  // namespace funt
