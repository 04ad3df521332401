/* library.c — the public ABI's library-wide calls: the ABI version and the last error of the
 * calling thread. */
#include "engine.h"
#include "../util/common.h"

TB_EXPORT int tb_abi_version(void) { return TB_ABI_VERSION; }
TB_EXPORT const char *tb_last_error(void) { return tb_error_message(); }
