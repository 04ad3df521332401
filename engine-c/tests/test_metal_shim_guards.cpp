// test_metal_shim_guards.cpp — the shim itself (metal/shim): threads of a threadgroup are real
// concurrent threads, threadgroup_barrier and simd_sum synchronize them, threadgroup memory
// starts as NaN, and the GPU errors it exists to catch (a barrier some threads never reach, a
// divergent simd_sum, barriers at different call sites, grids over Metal's limits) are
// reported instead of hanging or passing.
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "metal_shim.hpp"
#undef kernel
#undef device
#undef threadgroup
#undef thread
#undef constant
#undef TB_THREADGROUP_ATTR

extern "C" {
#include "tb_test.h"
}

using metal::mem_flags;

TB_TEST(metal_shim_threads_are_concurrent_and_barriers_order_them) {
  const uint groups = 3, threads = 96;
  std::mutex m;
  std::set<std::thread::id> ids;
  std::vector<uint32_t> first(groups * threads), seen(groups * threads);
  std::string err = shim::dispatch({ groups, threads, threads * 4 }, [&](const shim::thread_ids &t, void *tg) {
    {
      std::lock_guard<std::mutex> lk(m);
      ids.insert(std::this_thread::get_id());
    }
    uint32_t *mem = (uint32_t *)tg;
    first[t.gid] = mem[t.lid];             // before any write in this threadgroup: the poison
    metal::threadgroup_barrier(mem_flags::mem_threadgroup);
    mem[t.lid] = t.group * 1000 + t.lid;
    metal::threadgroup_barrier(mem_flags::mem_threadgroup);
    seen[t.gid] = mem[(t.lid + 1) % threads];   // a neighbour's write, visible after the barrier
  });
  TB_CHECK(err.empty(), "dispatch: %s", err.c_str());
  TB_CHECK(ids.size() == threads, "%zu OS threads ran a %u-thread threadgroup", ids.size(), threads);
  for (uint g = 0; g < groups; g++)
    for (uint l = 0; l < threads; l++) {
      uint i = g * threads + l;
      TB_CHECK(first[i] == 0xFFFFFFFFu, "group %u thread %u read %#x before any write, want the poison", g, l,
               first[i]);
      TB_CHECK(seen[i] == g * 1000 + (l + 1) % threads, "group %u thread %u saw %u", g, l, seen[i]);
    }
}

TB_TEST(metal_shim_simd_sum_adds_each_simd_group) {
  const uint threads = 100;                // SIMD groups of 32, 32, 32 and 4 lanes
  std::vector<float> got(threads);
  std::string err = shim::dispatch({ 1, threads, 0 }, [&](const shim::thread_ids &t, void *) {
    got[t.lid] = metal::simd_sum((float)(t.lid + 1));
  });
  TB_CHECK(err.empty(), "dispatch: %s", err.c_str());
  for (uint l = 0; l < threads; l++) {
    uint first = l / 32 * 32, last = std::min(first + 32, threads);   // lanes l's SIMD group holds
    float want = (float)((first + 1 + last) * (last - first) / 2);
    TB_CHECK(got[l] == want, "thread %u: simd_sum %g, want %g", l, got[l], want);
  }
}

TB_TEST(metal_shim_reports_a_return_before_a_barrier) {
  std::string err = shim::dispatch({ 2, 128, 0 }, [&](const shim::thread_ids &t, void *) {
    if (t.lid >= 64) return;               // as `if (row >= rows) return;` before a barrier
    metal::threadgroup_barrier(mem_flags::mem_threadgroup);
  });
  TB_CHECK(err.find("barrier divergence") != std::string::npos && err.find("returned") != std::string::npos,
           "dispatch returned '%s'", err.c_str());
}

TB_TEST(metal_shim_reports_a_divergent_simd_sum) {
  std::string err = shim::dispatch({ 1, 64, 0 }, [&](const shim::thread_ids &t, void *) {
    if (t.lane < 16) metal::simd_sum(1.0f);
  });
  TB_CHECK(err.find("barrier divergence") != std::string::npos && err.find("simd_sum") != std::string::npos,
           "dispatch returned '%s'", err.c_str());
}

TB_TEST(metal_shim_reports_barriers_at_different_call_sites) {
  std::string err = shim::dispatch({ 1, 64, 0 }, [&](const shim::thread_ids &t, void *) {
    if (t.lid % 2)
      metal::threadgroup_barrier(mem_flags::mem_threadgroup);
    else
      metal::threadgroup_barrier(mem_flags::mem_threadgroup);
  });
  TB_CHECK(err.find("different call sites") != std::string::npos, "dispatch returned '%s'", err.c_str());
}

TB_TEST(metal_shim_refuses_grids_over_metal_limits) {
  std::atomic<int> ran{ 0 };
  auto fn = [&](const shim::thread_ids &, void *) { ran++; };
  const shim::grid bad[] = { { 1, 1025, 0 }, { 1, 0, 0 }, { 0, 32, 0 }, { 1, 32, 32784 }, { 1, 32, 40 } };
  for (const shim::grid &g : bad) {
    std::string err = shim::dispatch(g, fn);
    TB_CHECK(!err.empty(), "grid %u x %u threads, %u bytes accepted", g.groups, g.threads, g.tg_bytes);
  }
  TB_CHECK(ran == 0, "%d threads ran in refused grids", ran.load());
}
