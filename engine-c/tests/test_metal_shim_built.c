/* test_metal_shim_built.c — when the test driver was built without a C++17 compiler, the Metal
 * shader tests (the tests/ .cpp files) are missing: this test then fails and says so, rather than the
 * shaders going unchecked in silence. */
#include "tb_test.h"

#ifdef TB_NO_METAL_SHIM
TB_TEST(metal_shim_tests_built) {
  TB_CHECK(0, "the Metal shader tests (the tests/ .cpp files) were not built: make found no C++20 compiler "
              "($CXX); install g++ or clang++ and rebuild");
}
#endif
