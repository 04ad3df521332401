// metal_shim_exec.cpp — executes planned Metal dispatches through the shaders on the CPU
// (see metal_shim_exec.hpp).
#include "metal_shim_exec.hpp"
#include "metal_shaders.hpp"

#include <cstdio>

namespace {

using shim::thread_ids;

// The kernel call for `d`, parameters in [[buffer(i)]] order; b[i] is buffer i's address.
shim::thread_fn kernel_call(const tb_mtl_dispatch &d, char *const b[TB_MTL_MAX_BINDS]) {
  const tb_mtl_qmv_args *q = &d.args.qmv;
  const tb_mtl_vec_args *v = &d.args.vec;
  switch (d.kernel) {
#define QMV(BITS)                                                                                 \
  case TB_MK_QMV_Q##BITS:                                                                         \
    return [=](const thread_ids &t, void *tg) {                                                   \
      msl::tb_qmv_q##BITS((const uint *)b[0], (const ushort *)b[1], (const ushort *)b[2],        \
                          (const float *)b[3], (float *)b[4], *q, (float *)tg, t.group, t.lid,    \
                          t.simdgroup, t.lane);                                                   \
    };
    QMV(2)
    QMV(4)
    QMV(8)
#undef QMV
  case TB_MK_SWIGLU:
    return [=](const thread_ids &t, void *) {
      msl::tb_swiglu((const float *)b[0], (const float *)b[1], (float *)b[2], *v, t.gid);
    };
  case TB_MK_COMBINE:
    return [=](const thread_ids &t, void *) {
      msl::tb_combine((float *)b[0], (const float *)b[1], (const float *)b[2], (const float *)b[3], *v, t.gid);
    };
  }
  return nullptr;
}

}  // namespace

std::string tb_shim_run(const tb_mtl_dispatch &d, const tb_shim_buffer roles[TB_MR_COUNT]) {
  if (d.kernel < 0 || d.kernel >= TB_MK_COUNT) return "unknown kernel " + std::to_string(d.kernel);
  char *b[TB_MTL_MAX_BINDS] = {};
  for (int i = 0; i < d.binds; i++) {
    const tb_mtl_bind &bi = d.bind[i];
    const tb_shim_buffer &r = roles[bi.role];
    if (!r.p || bi.offset < 0 || bi.bytes < 0 || bi.offset + bi.bytes > r.bytes) {
      char msg[200];
      std::snprintf(msg, sizeof msg, "%s buffer %d: [%lld, +%lld) outside its role's %lld bytes",
                    tb_mtl_kernel_names[d.kernel], i, (long long)bi.offset, (long long)bi.bytes,
                    (long long)r.bytes);
      return msg;
    }
    b[i] = (char *)r.p + bi.offset;
  }
  const shim::grid g = { (uint)d.groups, (uint)d.threads, (uint)d.tg_bytes };
  return shim::dispatch(g, kernel_call(d, b));
}
