/*
 * Myco for firmware: the kernel (build/<profile>.wasm, turned into C by wasm2c) behind a small
 * C API. Bring-up is init with a HAL; then every kernel export is a function `myco_<name>`
 * (declared in the generated myco_api.h, included below) that returns a status: >= 0 a result,
 * < 0 an error code (myco_errors.h), or MYCO_E_TRAPPED / MYCO_E_NOT_RUNNING from this layer.
 *
 * A trap (a kernel bug, or memory the firmware corrupted) is caught at the call that hit it and
 * reported through myco_last_trap(); the instance is then dead, and every call refuses to run
 * until myco_restart() builds a fresh one. The host never continues on a corrupted instance.
 *
 * One kernel per image: its linear memory is a static array of the profile's size.
 */
#ifndef MYCO_H
#define MYCO_H

#include <stdbool.h>
#include <stdint.h>

#include "myco_errors.h"

/* The call trapped: the kernel instance is dead until myco_restart(). */
#define MYCO_E_TRAPPED (-1000)
/* myco_init has not succeeded, or an earlier call trapped. */
#define MYCO_E_NOT_RUNNING (-1001)

/* The HAL: the kernel's only window on the world. `context` is passed back to every call. */
typedef struct myco_hal {
  uint64_t (*now_ms)(void* context);    /* monotonic milliseconds */
  uint32_t (*random_u32)(void* context); /* 32 random bits */
  uint32_t (*sleep_ms)(void* context, uint32_t ms); /* 0 after the full time, 1 if woken for input */
  void* context;
} myco_hal_t;

#define MYCO_TRAP_TEXT_BYTES 96

typedef struct myco_trap {
  int kind;              /* wasm_rt_trap_t; 0 while no trap happened */
  const char* kind_name; /* "unreachable", "out-of-bounds", ... (the same names as the TS hosts) */
  /* When the kernel called hal.abort before trapping: its message and source position (ASCII). */
  char message[MYCO_TRAP_TEXT_BYTES];
  char file[MYCO_TRAP_TEXT_BYTES];
  uint32_t line;
  uint32_t column;
} myco_trap_t;

/* Instantiates the kernel with `hal` (kept by pointer: it must outlive the kernel). */
int32_t myco_init(const myco_hal_t* hal);
/* Discards the instance (dead or alive) and instantiates a fresh one with the same HAL. */
int32_t myco_restart(void);
/* Discards the instance; myco_init may be called again (with another HAL). */
void myco_shutdown(void);
bool myco_running(void);
/* The trap that killed the current instance (kind 0 while it is alive). */
const myco_trap_t* myco_last_trap(void);

/* The kernel's I/O buffer: results of the calls that write bytes (names, records) are here. */
const uint8_t* myco_io(void);
/* The kernel's linear memory: for diagnostics and fault-injection tests only. */
uint8_t* myco_memory(uint32_t* size);

#include "myco_api.h"

#endif
