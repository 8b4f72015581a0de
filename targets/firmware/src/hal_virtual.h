/*
 * The deterministic HAL (the C twin of targets/node/hal.ts): a virtual clock that moves only
 * when the kernel sleeps or the scenario advances it, and a seeded xorshift32.
 */
#ifndef HAL_VIRTUAL_H
#define HAL_VIRTUAL_H

#include "determinism.h"
#include "myco.h"

typedef struct {
  uint64_t now_ms;
  xorshift32_t random;
} hal_virtual_t;

/* Fills `hal` with the virtual HAL's functions over `state` (clock at 0, PRNG seeded). */
void hal_virtual_init(hal_virtual_t* state, myco_hal_t* hal, uint32_t seed);

#endif
