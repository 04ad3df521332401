// metal_shim_exec.hpp — for the shim tests: runs a planned Metal dispatch (metal_plan.h)
// through the shaders compiled as C++ (metal/shim), with host arrays standing in for the
// host's Metal buffers.
#pragma once

extern "C" {
#include "../src/backend/metal_plan.h"
}
#include <string>

// A role's memory: the arrays the host would wrap as Metal buffers.
struct tb_shim_buffer {
  void *p;
  int64_t bytes;
};

// Binds buffer i of `d` to kernel parameter i (test_metal_shim_source checks that every
// kernel's [[buffer(i)]] is its i-th parameter, so position = index as on the GPU), checks
// each binding lies inside its role's memory as the host does, and runs the grid. Returns ""
// or what failed.
std::string tb_shim_run(const tb_mtl_dispatch &d, const tb_shim_buffer roles[TB_MR_COUNT]);
