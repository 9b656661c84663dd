#include "scratch.h"

#include <cstdlib>
#include <vector>

namespace funt {
namespace {

struct Buffer {
  float* data = nullptr;
  std::size_t floats = 0;
};

std::vector<Buffer> buffers;  // [thread * kSlots + slot]
constexpr int kSlots = 4;

}  // namespace

float* scratch(int thread, int slot, std::size_t floats) {
  std::size_t index = static_cast<std::size_t>(thread) * kSlots + slot;
  if (buffers.size() <= index) buffers.resize(index + 1);
  Buffer& b = buffers[index];
  if (b.floats < floats) {
    std::free(b.data);
    std::size_t bytes = ((floats * sizeof(float)) + 63) / 64 * 64;
    b.data = static_cast<float*>(std::aligned_alloc(64, bytes));
    b.floats = b.data ? floats : 0;
  }
  return b.data;
}

}  // namespace funt
