// metal_shim.hpp — compiles the subset of the Metal Shading Language that metal/*.metal uses as
// C++17 on the CPU: address spaces and attributes vanish, vector types and builtins are plain
// C++, and threadgroup_barrier / simd_sum synchronize real threads (run by shim::dispatch).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>

// Scalar type names of the Metal language (glibc and macOS declare the same typedefs).
typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

namespace metal {

// ---- vector types: 2 and 4 lanes, aligned like Metal's (float4: 16 bytes) --------------
template <class T, int N> struct vec;

template <class T> struct alignas(2 * sizeof(T)) vec<T, 2> {
  T x, y;
  vec() = default;
  explicit vec(T s) : x(s), y(s) {}
  vec(T a, T b) : x(a), y(b) {}
  template <class U> explicit vec(const vec<U, 2> &o) : x(T(o.x)), y(T(o.y)) {}
  T &operator[](int i) { return i == 0 ? x : y; }
  T operator[](int i) const { return i == 0 ? x : y; }
};

template <class T> struct alignas(4 * sizeof(T)) vec<T, 4> {
  T x, y, z, w;
  vec() = default;
  explicit vec(T s) : x(s), y(s), z(s), w(s) {}
  vec(T a, T b, T c, T d) : x(a), y(b), z(c), w(d) {}
  template <class U> explicit vec(const vec<U, 4> &o) : x(T(o.x)), y(T(o.y)), z(T(o.z)), w(T(o.w)) {}
  T &operator[](int i) { return i == 0 ? x : i == 1 ? y : i == 2 ? z : w; }
  T operator[](int i) const { return i == 0 ? x : i == 1 ? y : i == 2 ? z : w; }
};

using float2 = vec<float, 2>;
using float4 = vec<float, 4>;
using int2 = vec<int, 2>;
using int4 = vec<int, 4>;
using uint2 = vec<uint, 2>;
using uint4 = vec<uint, 4>;
using ushort2 = vec<ushort, 2>;
using ushort4 = vec<ushort, 4>;

template <class T, int N> vec<T, N> operator+(vec<T, N> a, const vec<T, N> &b) {
  for (int i = 0; i < N; i++) a[i] += b[i];
  return a;
}
template <class T, int N> vec<T, N> operator*(vec<T, N> a, const vec<T, N> &b) {
  for (int i = 0; i < N; i++) a[i] *= b[i];
  return a;
}
template <class T, int N> vec<T, N> operator*(vec<T, N> a, T s) {
  for (int i = 0; i < N; i++) a[i] *= s;
  return a;
}
// Left to right, as the GPU may (or may fuse into FMAs: the tests' tolerances allow both).
template <class T, int N> T dot(const vec<T, N> &a, const vec<T, N> &b) {
  T s = a[0] * b[0];
  for (int i = 1; i < N; i++) s += a[i] * b[i];
  return s;
}

// ---- scalar builtins --------------------------------------------------------------------
template <class T> T min(T a, T b) { return b < a ? b : a; }
template <class T> T max(T a, T b) { return a < b ? b : a; }
inline float exp(float v) { return std::exp(v); }
inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
namespace precise {
inline float exp(float v) { return std::exp(v); }
}

// Reinterpret the bits of a value (same size only, as in Metal).
template <class T, class U> T as_type(const U &u) {
  static_assert(sizeof(T) == sizeof(U), "as_type: sizes differ");
  T t;
  std::memcpy(&t, &u, sizeof t);
  return t;
}

// ---- synchronization (implemented in shim_dispatch.cpp) ---------------------------------
enum class mem_flags { mem_none = 0, mem_device = 1, mem_threadgroup = 2, mem_texture = 4 };

// Every thread of the threadgroup must reach the same barrier (same source line) before any
// goes on; a thread that returns or waits elsewhere instead fails the dispatch (a hang or
// undefined behaviour on a GPU). __builtin_FILE/LINE name the call site.
void threadgroup_barrier(mem_flags flags, const char *file = __builtin_FILE(), int line = __builtin_LINE());
void simdgroup_barrier(mem_flags flags, const char *file = __builtin_FILE(), int line = __builtin_LINE());
// Sum over the lanes of the caller's SIMD group; every lane must call it (uniform control flow).
float simd_sum(float v, const char *file = __builtin_FILE(), int line = __builtin_LINE());
int simd_sum(int v, const char *file = __builtin_FILE(), int line = __builtin_LINE());

}  // namespace metal

// ---- the dispatcher ---------------------------------------------------------------------
namespace shim {

// What a kernel's position attributes would receive (1-D grids).
struct thread_ids {
  uint group;       // [[threadgroup_position_in_grid]]
  uint lid;         // [[thread_position_in_threadgroup]]
  uint gid;         // [[thread_position_in_grid]] = group·threads + lid
  uint simdgroup;   // [[simdgroup_index_in_threadgroup]] = lid / 32
  uint lane;        // [[thread_index_in_simdgroup]] = lid % 32
  uint threads;     // [[threads_per_threadgroup]]
};

struct grid {
  uint groups;      // threadgroups (dispatchThreadgroups width)
  uint threads;     // threads per threadgroup, 1..1024
  uint tg_bytes;    // threadgroup memory at index 0: a multiple of 16, at most 32 KiB
};

// Runs fn for every thread of the grid: threadgroups one after another, the threads of one
// threadgroup as concurrent OS threads sharing `tg_mem` (filled with 0xFF bytes — NaN as
// float — before each threadgroup, so a read before a write shows). Returns "" when every
// thread finished, else what went wrong (limits, barrier divergence, a deadlock).
using thread_fn = std::function<void(const thread_ids &, void *tg_mem)>;
std::string dispatch(const grid &g, const thread_fn &fn);

}  // namespace shim

// ---- address spaces and function qualifiers: meaningless on a CPU -----------------------
// Defined last, so that no standard header included above sees them.
#define kernel
#define device
#define threadgroup
#define thread
#define constant const
// The [[threadgroup(i)]] attribute, which the empty `threadgroup` above would break; the
// shaders spell it TB_THREADGROUP_ATTR(i) (qmv.metal).
#define TB_THREADGROUP_ATTR(i)
