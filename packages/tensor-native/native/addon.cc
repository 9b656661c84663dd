// The Node-API surface of the native kernels. Tensors arrive as Float32Arrays (views onto the
// wasm backend's memory or onto JavaScript heap buffers); the kernels write into them in place.
#include <node_api.h>

#include <cstdint>

#include "conv.h"
#include "cpu.h"

namespace {

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return fail(env, #call);  \
  } while (0)

napi_value fail(napi_env env, const char* what) {
  napi_throw_error(env, "FUNT_NATIVE", what);
  return nullptr;
}

// Pointer to the floats of a Float32Array, or nullptr for null/undefined.
napi_status floats(napi_env env, napi_value v, float** out) {
  napi_valuetype type;
  napi_status s = napi_typeof(env, v, &type);
  if (s != napi_ok) return s;
  if (type == napi_null || type == napi_undefined) {
    *out = nullptr;
    return napi_ok;
  }
  napi_typedarray_type kind;
  size_t length;
  void* data;
  s = napi_get_typedarray_info(env, v, &kind, &length, &data, nullptr, nullptr);
  if (s != napi_ok) return s;
  if (kind != napi_float32_array) return napi_invalid_arg;
  *out = static_cast<float*>(data);
  return napi_ok;
}

napi_status geometry(napi_env env, napi_value v, funt::ConvGeometry* g) {
  napi_typedarray_type kind;
  size_t length;
  void* data;
  napi_status s = napi_get_typedarray_info(env, v, &kind, &length, &data, nullptr, nullptr);
  if (s != napi_ok) return s;
  if (kind != napi_int32_array || length != 13) return napi_invalid_arg;
  const int32_t* i = static_cast<const int32_t*>(data);
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

// cpuLevel(): 'avx2', or null when the kernels cannot run on this CPU.
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
  funt::conv2d_forward(g, x, w, bias, residual, relu, y, threads);
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
  funt::conv2d_backward_data(g, dy, w, dx, threads);
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
  funt::conv2d_backward_filter(g, x, dy, dw, db, accumulate, threads);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"cpuLevel", nullptr, CpuLevel, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardData", nullptr, Conv2dBackwardData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardFilter", nullptr, Conv2dBackwardFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
