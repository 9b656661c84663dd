// Elementwise kernels in AVX2 over flat float arrays, split into fixed chunks on the native thread
// pool (a chunk computes the same whatever thread runs it). Each may run in place (out equal to
// an input).
#pragma once

namespace funt {

// The binary ops the native backend computes; the codes are the addon's (src/binding.ts).
enum class BinaryOp { Add = 0, Sub = 1, Mul = 2, Div = 3 };

// out = a op b over n floats, rectified (v > 0 ? v : 0) when `relu`.
void binary(BinaryOp op, const float* a, const float* b, float* out, long n, bool relu, int threads);

// out = full op scalar (scalar op full when `scalar_left`) over n floats, rectified when `relu`.
void binary_scalar(BinaryOp op, const float* full, float scalar, bool scalar_left, float* out, long n, bool relu,
                   int threads);

// dx = x > threshold ? dy : 0 over n floats, the comparison that of x with the double `threshold`.
void threshold_backward(const float* x, const float* dy, double threshold, float* dx, long n, int threads);

// out = beta * out + alpha * x over n floats (two products, then their sum); with beta = 0 the
// old out is not read (it may hold NaN).
void axpby(float alpha, const float* x, float beta, float* out, long n, int threads);

}  // namespace funt
