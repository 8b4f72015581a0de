#include "hal_virtual.h"

static uint64_t now_ms(void* context) {
  return (uint64_t)((hal_virtual_t*)context)->now_ms;
}

static uint32_t random_u32(void* context) {
  return splitmix32_next(&((hal_virtual_t*)context)->random);
}

/* The full time at once, unless the host has input before its end: then up to that input. */
static uint32_t sleep_ms(void* context, uint32_t ms) {
  hal_virtual_t* state = (hal_virtual_t*)context;
  int64_t target = state->now_ms + (int64_t)ms;
  if (state->wake_ms != HAL_VIRTUAL_WAKE_NONE && state->wake_ms < target) {
    if (state->wake_ms > state->now_ms) state->now_ms = state->wake_ms;
    return 1;
  }
  state->now_ms = target;
  return 0;
}

void hal_virtual_init(hal_virtual_t* state, myco_hal_t* hal, uint32_t seed) {
  state->now_ms = 0;
  state->wake_ms = HAL_VIRTUAL_WAKE_NONE;
  splitmix32_seed(&state->random, seed);
  hal->now_ms = now_ms;
  hal->random_u32 = random_u32;
  hal->sleep_ms = sleep_ms;
  hal->context = state;
}
