// The Node-API surface of the native kernels. Tensors arrive as Float32Arrays (views onto the
// wasm backend's memory or onto JavaScript heap buffers); the kernels write into them in place.
#include <node_api.h>

#include <cstdint>
#include <cstring>

#include "avgpool.h"
#include "batchnorm.h"
#include "conv.h"
#include "cpu.h"
#include "elementwise.h"
#include "pad.h"

namespace {

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return fail(env, #call);  \
  } while (0)

napi_value fail(napi_env env, const char* what) {
  napi_throw_error(env, "FUNT_NATIVE", what);
  return nullptr;
}

// Pointer to the floats of a Float32Array and its length, or nullptr and 0 for null/undefined.
napi_status floats(napi_env env, napi_value v, float** out, size_t* length) {
  napi_valuetype type;
  napi_status s = napi_typeof(env, v, &type);
  if (s != napi_ok) return s;
  *length = 0;
  if (type == napi_null || type == napi_undefined) {
    *out = nullptr;
    return napi_ok;
  }
  napi_typedarray_type kind;
  void* data;
  s = napi_get_typedarray_info(env, v, &kind, length, &data, nullptr, nullptr);
  if (s != napi_ok) return s;
  if (kind != napi_float32_array) return napi_invalid_arg;
  *out = static_cast<float*>(data);
  return napi_ok;
}

napi_status floats(napi_env env, napi_value v, float** out) {
  size_t length;
  return floats(env, v, out, &length);
}

// The values of an Int32Array of exactly n (a geometry).
napi_status int32s(napi_env env, napi_value v, size_t n, const int32_t** out) {
  napi_typedarray_type kind;
  size_t length;
  void* data;
  napi_status s = napi_get_typedarray_info(env, v, &kind, &length, &data, nullptr, nullptr);
  if (s != napi_ok) return s;
  if (kind != napi_int32_array || length != n) return napi_invalid_arg;
  *out = static_cast<const int32_t*>(data);
  return napi_ok;
}

napi_status geometry(napi_env env, napi_value v, funt::ConvGeometry* g) {
  const int32_t* i;
  napi_status s = int32s(env, v, 13, &i);
  if (s != napi_ok) return s;
  *g = {i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], i[8], i[9], i[10], i[11], i[12]};
  return napi_ok;
}

napi_status integer(napi_env env, napi_value v, int* out) {
  int32_t i;
  napi_status s = napi_get_value_int32(env, v, &i);
  *out = i;
  return s;
}

napi_status flag(napi_env env, napi_value v, bool* out) { return napi_get_value_bool(env, v, out); }

napi_status number(napi_env env, napi_value v, double* out) { return napi_get_value_double(env, v, out); }

// N, C, S of a batch norm operand: an Int32Array of 3.
napi_status planes(napi_env env, napi_value v, funt::ChannelPlanes* p) {
  const int32_t* i;
  napi_status s = int32s(env, v, 3, &i);
  if (s != napi_ok) return s;
  *p = {i[0], i[1], i[2]};
  return napi_ok;
}

// The convolution passes of the level in use: the CPU's best, or the one setLevel chose.
const funt::ConvPasses* conv_passes = nullptr;

// The passes of a level name ("avx2" or "avx512"), or nullptr.
const funt::ConvPasses* passes_of(const char* level) {
  if (std::strcmp(level, "avx512") == 0) return &funt::avx512::passes;
  if (std::strcmp(level, "avx2") == 0) return &funt::avx2::passes;
  return nullptr;
}

// cpuLevel(): 'avx512' or 'avx2', the best level this CPU runs, or null when it runs none.
napi_value CpuLevel(napi_env env, napi_callback_info) {
  napi_value result;
  const char* level = funt::cpu_level();
  if (!level) {
    CHECK(napi_get_null(env, &result));
  } else {
    CHECK(napi_create_string_utf8(env, level, NAPI_AUTO_LENGTH, &result));
  }
  return result;
}

// setLevel(level): the convolutions run the kernels of `level` ('avx2' or 'avx512', at most the
// CPU's level) from now on.
napi_value SetLevel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  char name[16];
  size_t length = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, a[0], name, sizeof name, &length) != napi_ok)
    return fail(env, "setLevel: the level must be a string, 'avx2' or 'avx512'");
  const char* best = funt::cpu_level();
  const funt::ConvPasses* p = passes_of(name);
  if (!p) return fail(env, "setLevel: unknown level (use 'avx2' or 'avx512')");
  if (!best || (std::strcmp(best, "avx2") == 0 && p != &funt::avx2::passes))
    return fail(env, "setLevel: this CPU does not run that level's instructions");
  conv_passes = p;
  return nullptr;
}

// conv2d(x, w, bias, residual, y, geometry, relu, threads)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *w, *bias, *residual, *y;
  funt::ConvGeometry g;
  bool relu;
  int threads;
  CHECK(floats(env, a[0], &x));
  CHECK(floats(env, a[1], &w));
  CHECK(floats(env, a[2], &bias));
  CHECK(floats(env, a[3], &residual));
  CHECK(floats(env, a[4], &y));
  CHECK(geometry(env, a[5], &g));
  CHECK(flag(env, a[6], &relu));
  CHECK(integer(env, a[7], &threads));
  if (!conv_passes) return fail(env, "conv2d: this CPU lacks AVX2 and FMA");
  conv_passes->forward(g, x, w, bias, residual, relu, y, threads);
  return nullptr;
}

// conv2dBackwardData(dy, w, dx, geometry, threads)
napi_value Conv2dBackwardData(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *dy, *w, *dx;
  funt::ConvGeometry g;
  int threads;
  CHECK(floats(env, a[0], &dy));
  CHECK(floats(env, a[1], &w));
  CHECK(floats(env, a[2], &dx));
  CHECK(geometry(env, a[3], &g));
  CHECK(integer(env, a[4], &threads));
  if (!conv_passes) return fail(env, "conv2dBackwardData: this CPU lacks AVX2 and FMA");
  conv_passes->backward_data(g, dy, w, dx, threads);
  return nullptr;
}

// conv2dBackwardFilter(x, dy, dw, db, geometry, accumulate, threads)
napi_value Conv2dBackwardFilter(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value a[7];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *dy, *dw, *db;
  funt::ConvGeometry g;
  bool accumulate;
  int threads;
  CHECK(floats(env, a[0], &x));
  CHECK(floats(env, a[1], &dy));
  CHECK(floats(env, a[2], &dw));
  CHECK(floats(env, a[3], &db));
  CHECK(geometry(env, a[4], &g));
  CHECK(flag(env, a[5], &accumulate));
  CHECK(integer(env, a[6], &threads));
  if (!conv_passes) return fail(env, "conv2dBackwardFilter: this CPU lacks AVX2 and FMA");
  conv_passes->backward_filter(g, x, dy, dw, db, accumulate, threads);
  return nullptr;
}

// batchNormTrain(x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar, planes, momentum, eps,
//                relu, residual, threads)
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value a[14];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *gamma, *beta, *y, *save_mean, *save_inv_std, *running_mean, *running_var, *residual;
  funt::ChannelPlanes p;
  double momentum, eps;
  bool relu;
  int threads;
  CHECK(floats(env, a[0], &x));
  CHECK(floats(env, a[1], &gamma));
  CHECK(floats(env, a[2], &beta));
  CHECK(floats(env, a[3], &y));
  CHECK(floats(env, a[4], &save_mean));
  CHECK(floats(env, a[5], &save_inv_std));
  CHECK(floats(env, a[6], &running_mean));
  CHECK(floats(env, a[7], &running_var));
  CHECK(planes(env, a[8], &p));
  CHECK(number(env, a[9], &momentum));
  CHECK(number(env, a[10], &eps));
  CHECK(flag(env, a[11], &relu));
  CHECK(floats(env, a[12], &residual));
  CHECK(integer(env, a[13], &threads));
  funt::batch_norm_train(p, x, gamma, beta, y, save_mean, save_inv_std, running_mean, running_var,
                         static_cast<float>(momentum), static_cast<float>(eps), relu, residual, threads);
  return nullptr;
}

// batchNormApply(x, gamma, beta, mean, invStd, y, planes, relu, threads)
napi_value BatchNormApply(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value a[9];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *gamma, *beta, *mean, *inv_std, *y;
  funt::ChannelPlanes p;
  bool relu;
  int threads;
  CHECK(floats(env, a[0], &x));
  CHECK(floats(env, a[1], &gamma));
  CHECK(floats(env, a[2], &beta));
  CHECK(floats(env, a[3], &mean));
  CHECK(floats(env, a[4], &inv_std));
  CHECK(floats(env, a[5], &y));
  CHECK(planes(env, a[6], &p));
  CHECK(flag(env, a[7], &relu));
  CHECK(integer(env, a[8], &threads));
  funt::batch_norm_apply(p, x, gamma, beta, mean, inv_std, y, relu, threads);
  return nullptr;
}

// batchNormBackward(x, dy, gamma, mean, invStd, dx, dgamma, dbeta, rectified, planes, training, threads)
napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value a[12];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *dy, *gamma, *mean, *inv_std, *dx, *dgamma, *dbeta, *rectified;
  funt::ChannelPlanes p;
  bool training;
  int threads;
  CHECK(floats(env, a[0], &x));
  CHECK(floats(env, a[1], &dy));
  CHECK(floats(env, a[2], &gamma));
  CHECK(floats(env, a[3], &mean));
  CHECK(floats(env, a[4], &inv_std));
  CHECK(floats(env, a[5], &dx));
  CHECK(floats(env, a[6], &dgamma));
  CHECK(floats(env, a[7], &dbeta));
  CHECK(floats(env, a[8], &rectified));
  CHECK(planes(env, a[9], &p));
  CHECK(flag(env, a[10], &training));
  CHECK(integer(env, a[11], &threads));
  funt::batch_norm_backward(p, x, dy, gamma, mean, inv_std, dx, dgamma, dbeta, training, rectified, threads);
  return nullptr;
}

// binary(op, a, b, out, relu, threads): a, b and out of one length; op 0-3 add, sub, mul, div.
napi_value Binary(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  int op, threads;
  float *lhs, *rhs, *out;
  size_t nl, nr, n;
  bool relu;
  CHECK(integer(env, a[0], &op));
  CHECK(floats(env, a[1], &lhs, &nl));
  CHECK(floats(env, a[2], &rhs, &nr));
  CHECK(floats(env, a[3], &out, &n));
  CHECK(flag(env, a[4], &relu));
  CHECK(integer(env, a[5], &threads));
  if (op < 0 || op > 3) return fail(env, "binary: unknown op code");
  if (nl != n || nr != n) return fail(env, "binary: operands and out differ in length");
  funt::binary(static_cast<funt::BinaryOp>(op), lhs, rhs, out, static_cast<long>(n), relu, threads);
  return nullptr;
}

// binaryScalar(op, full, scalar, scalarLeft, out, relu, threads)
napi_value BinaryScalar(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value a[7];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  int op, threads;
  float *full, *out;
  size_t nf, n;
  double scalar;
  bool left, relu;
  CHECK(integer(env, a[0], &op));
  CHECK(floats(env, a[1], &full, &nf));
  CHECK(number(env, a[2], &scalar));
  CHECK(flag(env, a[3], &left));
  CHECK(floats(env, a[4], &out, &n));
  CHECK(flag(env, a[5], &relu));
  CHECK(integer(env, a[6], &threads));
  if (op < 0 || op > 3) return fail(env, "binaryScalar: unknown op code");
  if (nf != n) return fail(env, "binaryScalar: operand and out differ in length");
  funt::binary_scalar(static_cast<funt::BinaryOp>(op), full, static_cast<float>(scalar), left, out,
                      static_cast<long>(n), relu, threads);
  return nullptr;
}

// thresholdBackward(x, dy, threshold, dx, threads)
napi_value ThresholdBackward(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *dy, *dx;
  size_t nx, ny, n;
  double threshold;
  int threads;
  CHECK(floats(env, a[0], &x, &nx));
  CHECK(floats(env, a[1], &dy, &ny));
  CHECK(number(env, a[2], &threshold));
  CHECK(floats(env, a[3], &dx, &n));
  CHECK(integer(env, a[4], &threads));
  if (nx != n || ny != n) return fail(env, "thresholdBackward: operands and dx differ in length");
  funt::threshold_backward(x, dy, threshold, dx, static_cast<long>(n), threads);
  return nullptr;
}

// axpby(alpha, x, beta, out, threads)
napi_value Axpby(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *out;
  size_t nx, n;
  double alpha, beta;
  int threads;
  CHECK(number(env, a[0], &alpha));
  CHECK(floats(env, a[1], &x, &nx));
  CHECK(number(env, a[2], &beta));
  CHECK(floats(env, a[3], &out, &n));
  CHECK(integer(env, a[4], &threads));
  if (nx != n) return fail(env, "axpby: x and out differ in length");
  funt::axpby(static_cast<float>(alpha), x, static_cast<float>(beta), out, static_cast<long>(n), threads);
  return nullptr;
}

// fill(out, value, threads)
napi_value Fill(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value a[3];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float* out;
  size_t n;
  double value;
  int threads;
  CHECK(floats(env, a[0], &out, &n));
  CHECK(number(env, a[1], &value));
  CHECK(integer(env, a[2], &threads));
  funt::fill(out, static_cast<long>(n), static_cast<float>(value), threads);
  return nullptr;
}

// The geometry of a pad call: an Int32Array of x's shape, then the counts before, then after
// (3 * rank values), checked against the lengths of x and of the padded tensor.
napi_status pad_geometry(napi_env env, napi_value v, size_t n_x, size_t n_padded, funt::PadGeometry* g) {
  napi_typedarray_type kind;
  size_t length;
  void* data;
  napi_status s = napi_get_typedarray_info(env, v, &kind, &length, &data, nullptr, nullptr);
  if (s != napi_ok) return s;
  if (kind != napi_int32_array || length % 3 != 0 || length == 0 || length > 3 * funt::kMaxPadRank) {
    return napi_invalid_arg;
  }
  const int32_t* i = static_cast<const int32_t*>(data);
  g->rank = static_cast<int>(length / 3);
  size_t x = 1, padded = 1;
  for (int axis = 0; axis < g->rank; axis++) {
    g->x[axis] = i[axis];
    g->before[axis] = i[g->rank + axis];
    g->after[axis] = i[2 * g->rank + axis];
    if (g->x[axis] < 0 || g->before[axis] < 0 || g->after[axis] < 0) return napi_invalid_arg;
    x *= static_cast<size_t>(g->x[axis]);
    padded *= static_cast<size_t>(g->before[axis] + g->x[axis] + g->after[axis]);
  }
  return x == n_x && padded == n_padded ? napi_ok : napi_invalid_arg;
}

// pad(x, out, geometry, value, threads)
napi_value Pad(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *x, *out;
  size_t nx, n;
  funt::PadGeometry g;
  double value;
  int threads;
  CHECK(floats(env, a[0], &x, &nx));
  CHECK(floats(env, a[1], &out, &n));
  CHECK(pad_geometry(env, a[2], nx, n, &g));
  CHECK(number(env, a[3], &value));
  CHECK(integer(env, a[4], &threads));
  funt::pad(g, x, out, static_cast<float>(value), threads);
  return nullptr;
}

// padBackward(dy, dx, geometry, threads): geometry as pad's, dx being x.
napi_value PadBackward(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value a[4];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *dy, *dx;
  size_t ny, n;
  funt::PadGeometry g;
  int threads;
  CHECK(floats(env, a[0], &dy, &ny));
  CHECK(floats(env, a[1], &dx, &n));
  CHECK(pad_geometry(env, a[2], n, ny, &g));
  CHECK(integer(env, a[3], &threads));
  funt::pad_backward(g, dy, dx, threads);
  return nullptr;
}

// The geometry of a pooling call: an Int32Array P H W Ho Wo kH kW sH sW.
napi_status pool_geometry(napi_env env, napi_value v, funt::PoolGeometry* g) {
  const int32_t* i;
  napi_status s = int32s(env, v, 9, &i);
  if (s != napi_ok) return s;
  *g = {i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], i[8]};
  return napi_ok;
}

// avgPool2d(x, y, geometry, threads) and avgPool2dBackward(dy, dx, geometry, threads)
template <bool Backward>
napi_value AvgPool(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value a[4];
  CHECK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float *in, *out;
  size_t n_in, n_out;
  funt::PoolGeometry g;
  int threads;
  CHECK(floats(env, a[0], &in, &n_in));
  CHECK(floats(env, a[1], &out, &n_out));
  CHECK(pool_geometry(env, a[2], &g));
  CHECK(integer(env, a[3], &threads));
  const size_t planes = static_cast<size_t>(g.P), big = planes * g.H * g.W, small = planes * g.Ho * g.Wo;
  if ((Backward ? n_in != small || n_out != big : n_in != big || n_out != small) ||
      (g.Ho - 1) * g.sH + g.kH > g.H || (g.Wo - 1) * g.sW + g.kW > g.W) {
    return fail(env, "avgPool2d: operands do not match the geometry, or a window leaves the input");
  }
  if (Backward) {
    funt::avg_pool2d_backward(g, in, out, threads);
  } else {
    funt::avg_pool2d(g, in, out, threads);
  }
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  if (const char* level = funt::cpu_level()) conv_passes = passes_of(level);
  napi_property_descriptor props[] = {
      {"cpuLevel", nullptr, CpuLevel, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setLevel", nullptr, SetLevel, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardData", nullptr, Conv2dBackwardData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardFilter", nullptr, Conv2dBackwardFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrain", nullptr, BatchNormTrain, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormApply", nullptr, BatchNormApply, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormBackward", nullptr, BatchNormBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binaryScalar", nullptr, BinaryScalar, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"thresholdBackward", nullptr, ThresholdBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"axpby", nullptr, Axpby, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPool2d", nullptr, AvgPool<false>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"avgPool2dBackward", nullptr, AvgPool<true>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fill", nullptr, Fill, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pad", nullptr, Pad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"padBackward", nullptr, PadBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
