#include "hal_board.h"

#include "board.h"

static uint64_t now_ms(void* context) {
  (void)context;
  return board_now_ms();
}

static uint32_t random_u32(void* context) {
  return splitmix32_next(&((hal_board_t*)context)->random);
}

/* Nothing wakes the kernel early on this board (no input interrupts are wired up): always 0. */
static uint32_t sleep_ms(void* context, uint32_t ms) {
  (void)context;
  board_sleep_ms(ms);
  return 0;
}

void hal_board_init(hal_board_t* state, myco_hal_t* hal) {
  splitmix32_seed(&state->random, board_entropy());
  hal->now_ms = now_ms;
  hal->random_u32 = random_u32;
  hal->sleep_ms = sleep_ms;
  hal->context = state;
}
