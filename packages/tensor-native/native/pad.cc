// Constant padding, its gradient and fill; see pad.h. The axes after the last padded one are
// contiguous in x and in the padded tensor, and so is that axis's whole extent of x, so x lands
// in the padded tensor as runs of consecutive floats (a ResNet shortcut's channel padding: one
// run of C * H * W floats per image). A task is a fixed block of slices along the first axis
// and writes each of its output floats once, a run's copy or the padding value, in order.
// Nothing is summed, so no result depends on the thread count.
#include <algorithm>
#include <cstring>

#include "pad.h"
#include "thread_pool.h"

namespace funt {
namespace {

// Floats a task writes at least: large enough that a task outweighs handing it out, small
// enough that a ResNet activation splits evenly over the threads.
constexpr long kChunk = 16384;
// Fill only writes, 4 times as fast per float: its tasks are 4 times as large, so that the
// gradient buffers a training step zeroes (36,864 floats and less) fill on the calling thread.
constexpr long kFillChunk = 4 * kChunk;

struct Layout {
  int last;  // the last padded axis (0 when none is padded: x then is one run per slice)
  long run;  // floats per run: x's extent from axis `last` on
  long x_stride[kMaxPadRank], out_stride[kMaxPadRank];
  long x_slice, out_slice;  // floats per slice along the first axis
  long out_slices, slices_per_task;
};

Layout layout(const PadGeometry& g) {
  Layout l{};
  l.last = 0;
  for (int i = g.rank - 1; i > 0; i--) {
    if (g.before[i] != 0 || g.after[i] != 0) {
      l.last = i;
      break;
    }
  }
  long xs = 1, os = 1;
  for (int i = g.rank - 1; i >= 0; i--) {
    l.x_stride[i] = xs;
    l.out_stride[i] = os;
    xs *= g.x[i];
    os *= g.before[i] + g.x[i] + g.after[i];
  }
  l.run = l.last == 0 ? l.x_stride[0] : g.x[l.last] * l.x_stride[l.last];
  l.x_slice = l.x_stride[0];
  l.out_slice = l.out_stride[0];
  l.out_slices = g.before[0] + g.x[0] + g.after[0];
  l.slices_per_task = std::max(1L, kChunk / std::max(1L, l.out_slice));
  return l;
}

// Calls run(x_offset, out_offset) for each run of one slice along the first axis, in increasing
// out_offset, from axis `axis` (>= 1) on; offsets are relative to the slice.
template <class Run>
void visit(const PadGeometry& g, const Layout& l, int axis, long x_off, long out_off, const Run& run) {
  if (axis == l.last) {
    run(x_off, out_off + g.before[axis] * l.out_stride[axis]);
    return;
  }
  for (long j = 0; j < g.x[axis]; j++) {
    visit(g, l, axis + 1, x_off + j * l.x_stride[axis], out_off + (j + g.before[axis]) * l.out_stride[axis], run);
  }
}

// Calls run(x_offset, out_offset) for each run of x's slice i into the padded tensor's.
template <class Run>
void slice_runs(const PadGeometry& g, const Layout& l, const Run& run) {
  if (l.last == 0) {
    run(0, 0);
  } else {
    visit(g, l, 1, 0, 0, run);
  }
}

struct PadJob {
  const PadGeometry* g;
  Layout l;
  const float* x;
  float* out;
  float value;
};

void pad_slices(void* context, int task, int) {
  const PadJob& j = *static_cast<const PadJob*>(context);
  const Layout& l = j.l;
  const long begin = task * l.slices_per_task, end = std::min(l.out_slices, begin + l.slices_per_task);
  for (long s = begin; s < end; s++) {
    float* out = j.out + s * l.out_slice;
    const long i = s - j.g->before[0];
    long written = 0;
    if (i >= 0 && i < j.g->x[0]) {
      const float* x = j.x + i * l.x_slice;
      slice_runs(*j.g, l, [&](long x_off, long out_off) {
        std::fill(out + written, out + out_off, j.value);
        std::memcpy(out + out_off, x + x_off, sizeof(float) * l.run);
        written = out_off + l.run;
      });
    }
    std::fill(out + written, out + l.out_slice, j.value);
  }
}

struct BackwardJob {
  const PadGeometry* g;
  Layout l;
  const float* dy;
  float* dx;
  long slices_per_task;
};

void pad_backward_slices(void* context, int task, int) {
  const BackwardJob& j = *static_cast<const BackwardJob*>(context);
  const Layout& l = j.l;
  const long begin = task * j.slices_per_task, end = std::min(j.g->x[0], begin + j.slices_per_task);
  for (long i = begin; i < end; i++) {
    const float* dy = j.dy + (i + j.g->before[0]) * l.out_slice;
    float* dx = j.dx + i * l.x_slice;
    slice_runs(*j.g, l,
               [&](long x_off, long out_off) { std::memcpy(dx + x_off, dy + out_off, sizeof(float) * l.run); });
  }
}

struct FillJob {
  float* out;
  long n;
  float value;
};

void fill_chunk(void* context, int task, int) {
  const FillJob& j = *static_cast<const FillJob*>(context);
  const long begin = task * kFillChunk;
  std::fill(j.out + begin, j.out + std::min(j.n, begin + kFillChunk), j.value);
}

int task_count(long items, long per_task) { return static_cast<int>((items + per_task - 1) / per_task); }

}  // namespace

void fill(float* out, long n, float value, int threads) {
  FillJob job{out, n, value};
  parallel_for(task_count(n, kFillChunk), threads, fill_chunk, &job);
}

void pad(const PadGeometry& g, const float* x, float* out, float value, int threads) {
  PadJob job{&g, layout(g), x, out, value};
  parallel_for(task_count(job.l.out_slices, job.l.slices_per_task), threads, pad_slices, &job);
}

void pad_backward(const PadGeometry& g, const float* dy, float* dx, int threads) {
  const Layout l = layout(g);
  // Tasks by the floats of dx they write, as pad's by those of out.
  BackwardJob job{&g, l, dy, dx, std::max(1L, kChunk / std::max(1L, l.x_slice))};
  parallel_for(task_count(g.x[0], job.slices_per_task), threads, pad_backward_slices, &job);
}

}  // namespace funt
