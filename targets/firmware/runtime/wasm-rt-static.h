/* What the static wasm-rt (wasm-rt-static.c) adds to wasm-rt.h. */
#ifndef WASM_RT_STATIC_H
#define WASM_RT_STATIC_H

#include <stddef.h>
#include "wasm-rt.h"

/*
 * Called for a trap with no unwind target set: a bug in the host (a kernel call outside
 * myco.c's guard). The host defines it; it must report the trap and not return.
 */
WASM_RT_NO_RETURN void myco_rt_fatal(wasm_rt_trap_t trap);

/* The kind of the last trap (what wasm_rt_trap last longjmp'd with). */
wasm_rt_trap_t myco_rt_last_trap(void);

/* Bytes of static RAM the runtime reserves (linear memory, table, signature ids). */
size_t myco_rt_static_bytes(void);

#endif
