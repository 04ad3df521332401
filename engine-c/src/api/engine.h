/* engine.h — the tb_engine behind the public ABI: the configuration being built, the
 * lifecycle state, and the run or generation it drives. Internal to api/. */
#ifndef TB_API_ENGINE_H
#define TB_API_ENGINE_H

#include "config.h"
#include "../engine/run.h"
#include "../model/model.h"
#include "../../include/tierbench.h"

/* Public ABI functions are the only symbols the library exports (built -fvisibility=hidden). */
#define TB_EXPORT __attribute__((visibility("default")))

typedef enum {
  TB_STATE_CONFIG,      /* setters, tb_open and tb_gen_begin allowed */
  TB_STATE_GENERATING,  /* tb_gen_step until it returns TB_OK or an error */
  TB_STATE_RUNNING,     /* tb_step until it returns TB_OK or an error */
  TB_STATE_FINISHED,    /* every token ran; statistics stay readable */
  TB_STATE_FAILED,      /* a step failed (error, cancel, injected fault); failure is sticky */
} tb_engine_state;

struct tb_engine {
  tb_config cfg;
  tb_engine_state state;
  tb_run *run;              /* from tb_open until tb_engine_free */
  tb_gen *gen;              /* while generating */
  volatile int cancel;      /* set by tb_cancel from any thread; polled by tb_run_step */
  int fail_status;          /* TB_STATE_FAILED: the status every later step returns */
  char fail_message[2048];  /* ...and its message */
  char *config_json;        /* tb_config_json's buffer, tb_config_json_capacity() bytes */
  char hash_hex[17];        /* tb_output_hash's buffer */
};

const char *tb_state_name(tb_engine_state s);
/* TB_ERR_STATE with a message naming the call, the state it needs and the state it found. */
int tb_state_error(const tb_engine *e, const char *call, const char *needs);

#endif
