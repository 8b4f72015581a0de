/*
 * The conformance replay (the C twin of targets/conformance/replay.ts, step for step): runs the
 * generated scenario (scenario_ops.h) against the kernel on the virtual HAL, answers its actions
 * like a simulated host, and hashes every event record in order with FNV-1a 64.
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <stdint.h>

#include "hal_virtual.h"

typedef struct {
  uint32_t events;
  uint64_t hash;
  uint32_t ops;
} replay_result_t;

/* The scenario's seed: the virtual HAL's PRNG starts from it. */
uint32_t replay_seed(void);

/*
 * Replays the scenario on a kernel initialised with the virtual HAL over `clock`. Returns
 * MYCO_OK, or the failing status after printing which step failed and why.
 */
int32_t replay_scenario(hal_virtual_t* clock, replay_result_t* result);

#endif
