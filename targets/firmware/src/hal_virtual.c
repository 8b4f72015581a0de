#include "hal_virtual.h"

static uint64_t now_ms(void* context) {
  return ((hal_virtual_t*)context)->now_ms;
}

static uint32_t random_u32(void* context) {
  return xorshift32_next(&((hal_virtual_t*)context)->random);
}

/* Sleeps the full time at once: nothing else can happen in a virtual world meanwhile. */
static uint32_t sleep_ms(void* context, uint32_t ms) {
  ((hal_virtual_t*)context)->now_ms += ms;
  return 0;
}

void hal_virtual_init(hal_virtual_t* state, myco_hal_t* hal, uint32_t seed) {
  state->now_ms = 0;
  xorshift32_seed(&state->random, seed);
  hal->now_ms = now_ms;
  hal->random_u32 = random_u32;
  hal->sleep_ms = sleep_ms;
  hal->context = state;
}
