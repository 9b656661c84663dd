// A small pool of native worker threads for the kernels: one job at a time, split into numbered
// tasks that the calling thread and the workers take in turn. Which thread runs a task never
// changes what the task computes, so results do not depend on the thread count.
#pragma once
#include <cstddef>

namespace funt {

using TaskFn = void (*)(void* context, int task, int thread);

// Runs fn(context, t, thread) for t in [0, tasks) on up to `threads` threads (the caller is
// thread 0). Blocks until every task has finished.
void parallel_for(int tasks, int threads, TaskFn fn, void* context);

// The most threads parallel_for will use (the pool grows on demand up to this).
constexpr int kMaxThreads = 64;

}  // namespace funt
