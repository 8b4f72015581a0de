/*
 * The deterministic HAL (the C twin of targets/conformance/determinism.ts ReplayHal): a virtual
 * clock that moves only when the kernel sleeps or the program sets it, a wake time (when the
 * simulated host next has input: a sleep past it stops there and returns 1), and splitmix32.
 */
#ifndef HAL_VIRTUAL_H
#define HAL_VIRTUAL_H

#include "determinism.h"
#include "myco.h"

/* No host input pending: a sleep runs its full time. */
#define HAL_VIRTUAL_WAKE_NONE (-1)

typedef struct {
  int64_t now_ms;
  int64_t wake_ms;
  splitmix32_t random;
} hal_virtual_t;

/* Fills `hal` with the virtual HAL's functions over `state` (clock at 0, no wake, PRNG seeded). */
void hal_virtual_init(hal_virtual_t* state, myco_hal_t* hal, uint32_t seed);

#endif
