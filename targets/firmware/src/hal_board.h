/* The live HAL: the board's clock and sleep, splitmix32 seeded from board entropy. */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include "determinism.h"
#include "myco.h"

typedef struct {
  splitmix32_t random;
} hal_board_t;

void hal_board_init(hal_board_t* state, myco_hal_t* hal);

#endif
