// metal_shaders.hpp — metal/*.metal compiled as C++ through the shim (metal/shim), for the
// shim tests: the kernels land in namespace msl with internal linkage, and the shim's
// address-space macros are undefined again afterwards so later C++ is untouched.
#pragma once

#include "metal_shim.hpp"
extern "C" {
#include "../src/backend/metal_args.h"
}

namespace msl {
namespace {
#include "qmv.metal"
#include "swiglu.metal"
#include "combine.metal"
}  // namespace
}  // namespace msl

#undef kernel
#undef device
#undef threadgroup
#undef thread
#undef constant
#undef TB_THREADGROUP_ATTR
