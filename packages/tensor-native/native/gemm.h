// Single-precision matrix products of the convolution kernels (one per instruction level, isa.h).
#pragma once
#include <cstddef>

#include "isa.h"

namespace funt {
namespace FUNT_ISA {

// A matrix operand: element (i, j) is at data[i * rows + j * cols] (strides in elements), so a
// transposition is a swap of the two strides.
struct MatrixView {
  const float* data;
  long rows;
  long cols;
};

// C[M, N] (row stride ldc) = alpha * A[M, K] * B[K, N] + beta * C. beta = 0 never reads C
// (NaN in it is ignored). Single-threaded; `scratch` holds gemm_scratch_floats() floats.
void sgemm(int M, int N, int K, float alpha, MatrixView A, MatrixView B, float beta, float* C, long ldc,
           float* scratch);

// Floats of scratch sgemm needs (packed blocks of A and B, 64-byte aligned inside).
std::size_t gemm_scratch_floats();

}  // namespace FUNT_ISA
}  // namespace funt
