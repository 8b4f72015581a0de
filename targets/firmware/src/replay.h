/*
 * The conformance replay (the C twin of targets/conformance/replay.ts, step for step): runs a
 * conformance program (targets/conformance/program.ts) against the kernel on the virtual HAL
 * and hashes what the kernel answers with FNV-1a 64: every call's result slot and the bytes it
 * wrote to the I/O buffer (hash), and the event-log records alone (event hash).
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "hal_virtual.h"

typedef struct {
  uint32_t calls;
  uint32_t events;
  uint64_t hash;
  uint64_t event_hash;
} replay_result_t;

/* A program's seed (the virtual HAL's PRNG starts from it); 0 when its header is malformed. */
uint32_t replay_seed(const uint8_t* program, size_t length);

/*
 * Replays `program` on a kernel initialised with the virtual HAL over `clock`. Returns MYCO_OK,
 * or the failing status after printing which step failed and why (a malformed program, an
 * export this kernel does not have or has with another signature, a trap).
 */
int32_t replay_program(const uint8_t* program, size_t length, hal_virtual_t* clock, replay_result_t* result);

#endif
