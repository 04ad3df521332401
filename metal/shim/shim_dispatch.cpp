// shim_dispatch.cpp — runs a kernel grid on the CPU for the shim tests: the threads of a
// threadgroup are real threads, so threadgroup_barrier and simd_sum block and release as on a
// GPU, and a barrier that not every thread reaches is reported instead of hanging.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "metal_shim.hpp"   // after the standard headers: it defines `thread`, `device`, … away

#undef kernel
#undef device
#undef threadgroup
#undef thread
#undef constant
#undef TB_THREADGROUP_ATTR

namespace {

constexpr uint kSimdWidth = 32;
constexpr uint kMaxThreads = 1024;       // Metal's limit per threadgroup
constexpr uint kMaxTgBytes = 32768;      // Apple GPUs' threadgroup memory

struct aborted {};                       // unwinds a thread out of a failed threadgroup

// One barrier: arrivals in the current generation and where the first arriver called it.
struct barrier_point {
  uint arrived = 0;
  unsigned generation = 0;
  const char *what = nullptr;            // "threadgroup_barrier", "simd_sum", …
  const char *file = nullptr;
  int line = 0;
};

// A threadgroup in flight. Every field is guarded by m.
struct group_state {
  std::mutex m;
  std::condition_variable cv;
  uint threads = 0;
  uint running = 0;                      // threads still inside the kernel
  uint blocked = 0;                      // of those, threads waiting at a barrier
  bool failed = false;
  std::string why;
  barrier_point group_barrier;
  std::vector<barrier_point> simd_barrier;   // [simdgroups]
  std::vector<float> simd_f;                 // [threads] simd_sum exchange slots
  std::vector<int> simd_i;

  uint simd_lanes(uint sg) const {           // lanes of SIMD group sg (the last may be short)
    return std::min(kSimdWidth, threads - sg * kSimdWidth);
  }
};

thread_local group_state *tl_group = nullptr;
thread_local uint tl_lid = 0;

void fail_locked(group_state &s, const std::string &why) {
  if (!s.failed) { s.failed = true; s.why = why; }
  s.cv.notify_all();
}

// Every running thread waits and none can release the others: on a GPU this hangs or is
// undefined. Called with m held after `running` or `blocked` changed; `event` says what the
// calling thread just did.
bool stuck_locked(const group_state &s) { return s.running > 0 && s.blocked == s.running && !s.failed; }

void fail_stuck_locked(group_state &s, const char *event) {
  std::string waits;
  char buf[512];
  auto list = [&](const barrier_point &b, const char *whose) {
    if (b.arrived == 0) return;
    std::snprintf(buf, sizeof buf, "%s%u at %s's %s (%s:%d)", waits.empty() ? "" : ", ", b.arrived, whose,
                  b.what, b.file, b.line);
    waits += buf;
  };
  list(s.group_barrier, "the threadgroup");
  for (size_t i = 0; i < s.simd_barrier.size(); i++) {
    char whose[32];
    std::snprintf(whose, sizeof whose, "SIMD group %zu", i);
    list(s.simd_barrier[i], whose);
  }
  std::snprintf(buf, sizeof buf, "barrier divergence: %s; %u of %u threads have returned from the kernel "
                "and the other %u wait at barriers that can no longer be released: ", event,
                s.threads - s.running, s.threads, s.running);
  fail_locked(s, buf + waits);
}

void arrive(barrier_point &b, uint expected, const char *what, const char *file, int line) {
  group_state &s = *tl_group;
  std::unique_lock<std::mutex> lk(s.m);
  if (s.failed) throw aborted{};
  if (b.arrived == 0) {
    b.what = what;
    b.file = file;
    b.line = line;
  } else if (b.line != line || std::strcmp(b.file, file) != 0) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "barrier divergence: threads met at %s at different call sites, "
                  "%s:%d and %s:%d", what, b.file, b.line, file, line);
    fail_locked(s, buf);
    throw aborted{};
  }
  if (++b.arrived == expected) {         // the last arrival releases the others
    b.arrived = 0;
    b.generation++;
    s.blocked -= expected - 1;
    s.cv.notify_all();
    return;
  }
  const unsigned generation = b.generation;
  s.blocked++;
  if (stuck_locked(s)) {
    char event[400];
    std::snprintf(event, sizeof event, "thread %u waits at a %s (%s:%d)", tl_lid, what, file, line);
    fail_stuck_locked(s, event);
  }
  s.cv.wait(lk, [&] { return b.generation != generation || s.failed; });
  if (b.generation == generation) throw aborted{};
}

group_state &current(const char *what) {
  if (!tl_group) {
    std::fprintf(stderr, "metal shim: %s called outside shim::dispatch\n", what);
    std::abort();
  }
  return *tl_group;
}

template <class T>
T simd_sum_impl(std::vector<T> group_state::*slots, T v, const char *file, int line) {
  group_state &s = current("simd_sum");
  const uint sg = tl_lid / kSimdWidth, lanes = s.simd_lanes(sg);
  std::vector<T> &slot = s.*slots;
  slot[tl_lid] = v;                      // published by the barrier's mutex
  arrive(s.simd_barrier[sg], lanes, "simd_sum", file, line);
  T t[kSimdWidth] = {};                  // absent lanes add 0, as inactive lanes on a GPU
  for (uint i = 0; i < lanes; i++) t[i] = slot[sg * kSimdWidth + i];
  for (uint off = kSimdWidth / 2; off > 0; off /= 2)   // the butterfly order of a GPU reduction
    for (uint i = 0; i < off; i++) t[i] += t[i + off];
  arrive(s.simd_barrier[sg], lanes, "simd_sum", file, line);   // slots free again
  return t[0];
}

}  // namespace

namespace metal {

void threadgroup_barrier(mem_flags, const char *file, int line) {
  group_state &s = current("threadgroup_barrier");
  arrive(s.group_barrier, s.threads, "threadgroup_barrier", file, line);
}

void simdgroup_barrier(mem_flags, const char *file, int line) {
  group_state &s = current("simdgroup_barrier");
  const uint sg = tl_lid / kSimdWidth;
  arrive(s.simd_barrier[sg], s.simd_lanes(sg), "simdgroup_barrier", file, line);
}

float simd_sum(float v, const char *file, int line) { return simd_sum_impl(&group_state::simd_f, v, file, line); }
int simd_sum(int v, const char *file, int line) { return simd_sum_impl(&group_state::simd_i, v, file, line); }

}  // namespace metal

namespace shim {

std::string dispatch(const grid &g, const thread_fn &fn) {
  char buf[256];
  if (g.groups == 0 || g.threads == 0 || g.threads > kMaxThreads) {
    std::snprintf(buf, sizeof buf, "grid of %u threadgroups of %u threads: need >= 1 threadgroup of "
                  "1..%u threads", g.groups, g.threads, kMaxThreads);
    return buf;
  }
  if (g.tg_bytes > kMaxTgBytes || g.tg_bytes % 16 != 0) {
    std::snprintf(buf, sizeof buf, "threadgroup memory of %u bytes: must be a multiple of 16, at most %u",
                  g.tg_bytes, kMaxTgBytes);
    return buf;
  }
  std::vector<unsigned char> tg_mem(g.tg_bytes ? g.tg_bytes : 16);
  group_state s;
  s.threads = g.threads;
  const uint simdgroups = (g.threads + kSimdWidth - 1) / kSimdWidth;
  s.simd_barrier.resize(simdgroups);
  s.simd_f.resize(g.threads);
  s.simd_i.resize(g.threads);

  // The workers live for the whole grid; `started` counts threadgroups handed out and
  // `finished` the workers done with the current one.
  uint started = 0, finished = 0;
  bool stop = false;
  std::condition_variable go, done;
  auto worker = [&](uint lid) {
    tl_group = &s;
    tl_lid = lid;
    for (uint group = 0;; group++) {
      {
        std::unique_lock<std::mutex> lk(s.m);
        go.wait(lk, [&] { return stop || started > group; });
        if (stop) return;
      }
      const thread_ids ids = { group, lid, group * g.threads + lid, lid / kSimdWidth, lid % kSimdWidth,
                               g.threads };
      try {
        fn(ids, tg_mem.data());
      } catch (const aborted &) {
      }
      std::lock_guard<std::mutex> lk(s.m);
      s.running--;
      if (stuck_locked(s)) {
        char event[64];
        std::snprintf(event, sizeof event, "thread %u returned from the kernel", lid);
        fail_stuck_locked(s, event);
      }
      if (++finished == g.threads) done.notify_one();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(g.threads);
  for (uint lid = 0; lid < g.threads; lid++) pool.emplace_back(worker, lid);

  std::string why;
  for (uint group = 0; group < g.groups && why.empty(); group++) {
    std::unique_lock<std::mutex> lk(s.m);
    std::memset(tg_mem.data(), 0xFF, tg_mem.size());   // every float NaN until written
    s.running = g.threads;
    s.blocked = 0;
    s.group_barrier = barrier_point{};
    for (auto &b : s.simd_barrier) b = barrier_point{};
    finished = 0;
    started = group + 1;
    go.notify_all();
    done.wait(lk, [&] { return finished == g.threads; });
    if (s.failed) {
      std::snprintf(buf, sizeof buf, "threadgroup %u: ", group);
      why = buf + s.why;
    }
  }
  {
    std::lock_guard<std::mutex> lk(s.m);
    stop = true;
    go.notify_all();
  }
  for (auto &t : pool) t.join();
  return why;
}

}  // namespace shim
