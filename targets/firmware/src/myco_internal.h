/*
 * Between myco.c and the generated wrappers (build/gen/myco_api.c): the kernel instance and the
 * trap guard every call goes through. Not for firmware code: use myco.h.
 *
 *   MYCO_GUARD_BEGIN();   refuses when not running, sets the unwind target (a trap returns
 *                         MYCO_E_TRAPPED from the calling function)
 *   ... Z_kernelZ_<export>(&myco_kernel, ...) ...
 *   MYCO_GUARD_END();     clears the unwind target
 */
#ifndef MYCO_INTERNAL_H
#define MYCO_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "myco.h"

/* Module slots: one by default; a bootloader-style image builds with -DMYCO_SLOTS=2 (slots.c)
 * and switches between them. Every call goes to the active slot's instance. */
#ifndef MYCO_SLOTS
#define MYCO_SLOTS 1
#endif
extern Z_kernel_instance_t myco_slots[MYCO_SLOTS];
extern Z_kernel_instance_t* myco_active;
#define myco_kernel (*myco_active)

/* The HAL imports the kernel may use (kernel.h declares only those it imports today). */
u64 Z_halZ_now_ms(struct Z_hal_instance_t*);
u32 Z_halZ_random_u32(struct Z_hal_instance_t*);
u32 Z_halZ_sleep_ms(struct Z_hal_instance_t*, u32);
void Z_halZ_abort(struct Z_hal_instance_t*, u32, u32, u32, u32);

bool myco_guard_enter(void);
void myco_guard_arm(jmp_buf* target);
void myco_guard_end(void);
/* Marks the instance dead, records the trap, returns MYCO_E_TRAPPED. */
int32_t myco_guard_trapped(void);

uint8_t* myco_io_mut(void);

/* For slots.c: slot `k` becomes the active one (its trap state and I/O view with it). */
void myco_slot_select(uint32_t k);
uint32_t myco_slot_active(void);
/* Instantiates the active slot's kernel afresh with the HAL given to myco_init. */
int32_t myco_slot_instantiate(void);
/* Discards the active slot's instance. */
void myco_slot_discard(void);
uint32_t myco_io_bytes(void);

/* setjmp is used only as a switch's controlling expression, one of the forms C allows. */
#define MYCO_GUARD_BEGIN()                          \
  jmp_buf myco_guard_target;                        \
  if (!myco_guard_enter()) return MYCO_E_NOT_RUNNING; \
  switch (setjmp(myco_guard_target)) {              \
    case 0: break;                                  \
    default: return myco_guard_trapped();           \
  }                                                 \
  myco_guard_arm(&myco_guard_target)

#define MYCO_GUARD_END() myco_guard_end()

#endif
