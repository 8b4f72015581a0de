#include "status.h"

#include "board.h"
#include "myco.h"
#include "out.h"
#include "wasm-rt-static.h"

int32_t status_failed(const char* what, int32_t status) {
  out_text("myco: ");
  out_text(what);
  out_text(" failed: ");
  out_int(status);
  if (status == MYCO_E_TRAPPED) {
    out_text(" (trap ");
    out_text(myco_last_trap()->kind_name);
    out_text(")");
  }
  out_end_line();
  return status < 0 ? status : -1;
}

/* A trap with no guarded call around it is a host bug: report it and stop. */
void myco_rt_fatal(wasm_rt_trap_t trap) {
  out_text("myco: trap outside a guarded call: ");
  out_text(wasm_rt_strerror(trap));
  out_end_line();
  board_exit(5);
}
