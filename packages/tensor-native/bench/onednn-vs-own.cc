// The measurement behind "Why not oneDNN" in README.md: the native direct kernels against
// oneDNN's convolution on ResNet-20's 3 x 3 shapes, one thread, in CPU seconds (the machine is
// shared). Needs libdnnl-dev; from packages/tensor-native:
//   g++ -O3 -mavx2 -mfma -DFUNT_ISA=avx2 -std=c++17 -Inative -o /tmp/onednn-vs-own bench/onednn-vs-own.cc
//       native/conv_direct.cc native/scratch.cc native/thread_pool.cc -ldnnl -lpthread
//   (the AVX-512 build: -mavx512f -mavx512vl -mavx512bw -mavx512dq -DFUNT_ISA=avx512)
//   OMP_NUM_THREADS=1 /tmp/onednn-vs-own
#include <dnnl.hpp>
#include <time.h>
#include <cstdio>
#include <vector>
#include <random>
#include "conv_direct.h"
using namespace dnnl;
static double cpu() { timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec*1e-9; }
int main() {
  int shapes[][4] = {{16,32,16,1},{32,16,32,1},{64,8,64,1}};
  engine eng(engine::kind::cpu, 0); stream s(eng);
  for (auto& sh : shapes) {
    int N=128, C=sh[0], H=sh[1], O=sh[2];
    std::vector<float> x((size_t)N*C*H*H), w((size_t)O*C*9), y((size_t)N*O*H*H), dx(x.size()), dw(w.size());
    std::mt19937 r(1); std::uniform_real_distribution<float> u(-1,1);
    for (auto& v: x) v=u(r); for (auto& v: w) v=u(r);
    funt::ConvGeometry g{N,C,H,H,O,3,3,1,1,1,1,H,H};
    double gf = 2.0*N*O*H*H*C*9/1e9;
    auto timeit=[&](auto f){ f(); double best=1e9; for(int i=0;i<3;i++){double t0=cpu(); f(); best=std::min(best,cpu()-t0);} return best;};
    double tf = timeit([&]{funt::FUNT_ISA::direct_forward(g,x.data(),w.data(),nullptr,nullptr,true,y.data(),1);});
    double td = timeit([&]{funt::FUNT_ISA::direct_backward_data(g,y.data(),w.data(),dx.data(),1);});
    // The partial sums of 16 chunks of 8 images, then their sum (what conv2d_backward_filter adds).
    double tw = timeit([&]{ const float* p = funt::FUNT_ISA::direct_filter_partials(g,x.data(),y.data(),8,16,1);
      for (size_t i = 0; i < dw.size(); i++) { float t = 0; for (int k = 0; k < 16; k++) t += p[k*dw.size()+i]; dw[i] = t; } });
    // oneDNN, NCHW user layout; the primitive picks its blocked layout (reorders timed too)
    memory::dims xd={N,C,H,H}, wd={O,C,3,3}, yd={N,O,H,H}, st={1,1}, pd={1,1};
    auto xm = memory({xd, memory::data_type::f32, memory::format_tag::nchw}, eng, x.data());
    auto wm = memory({wd, memory::data_type::f32, memory::format_tag::oihw}, eng, w.data());
    auto ym = memory({yd, memory::data_type::f32, memory::format_tag::nchw}, eng, y.data());
    auto xa = memory::desc(xd, memory::data_type::f32, memory::format_tag::any);
    auto wa = memory::desc(wd, memory::data_type::f32, memory::format_tag::any);
    auto ya = memory::desc(yd, memory::data_type::f32, memory::format_tag::any);
    auto cd = convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, xa, wa, ya, st, pd, pd);
    auto cp = convolution_forward::primitive_desc(cd, eng);
    auto xb = memory(cp.src_desc(), eng), wb = memory(cp.weights_desc(), eng), yb = memory(cp.dst_desc(), eng);
    auto conv = convolution_forward(cp);
    double tdn_blocked = timeit([&]{ conv.execute(s,{{DNNL_ARG_SRC,xb},{DNNL_ARG_WEIGHTS,wb},{DNNL_ARG_DST,yb}}); s.wait(); });
    double tdn = timeit([&]{ reorder(xm,xb).execute(s,xm,xb); reorder(wm,wb).execute(s,wm,wb); conv.execute(s,{{DNNL_ARG_SRC,xb},{DNNL_ARG_WEIGHTS,wb},{DNNL_ARG_DST,yb}}); reorder(yb,ym).execute(s,yb,ym); s.wait(); });
    auto cdw = convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_winograd, xa, wa, ya, st, pd, pd);
    double twin = -1;
    try { auto cpw = convolution_forward::primitive_desc(cdw, eng); auto cw = convolution_forward(cpw);
      auto xb2 = memory(cpw.src_desc(), eng), wb2 = memory(cpw.weights_desc(), eng), yb2 = memory(cpw.dst_desc(), eng);
      twin = timeit([&]{ cw.execute(s,{{DNNL_ARG_SRC,xb2},{DNNL_ARG_WEIGHTS,wb2},{DNNL_ARG_DST,yb2}}); s.wait(); }); } catch (...) {}
    printf("C%d %dx%d O%d (1 thread, CPU s): own fwd %.1f GF/s, bwdData %.1f, bwdFilter %.1f | oneDNN fwd %.1f GF/s blocked (%s), %.1f with NCHW reorders, winograd %s\n",
      C,H,H,O, gf/tf, gf/td, gf/tw, gf/tdn_blocked, cp.impl_info_str(), gf/tdn, twin<0?"n/a":std::to_string(gf/twin).c_str());
  }
}
