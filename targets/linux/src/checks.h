/*
 * run-check: the kernel asks for check `check` against instance `handle`; the host runs it and
 * reports the outcome and latency (checkReport). process: the instance's pid is alive; tcp: a
 * non-blocking connect; http: a GET whose status is 2xx or 3xx; command: a process exiting 0.
 * Each gives up at the kernel's check timeout less a margin (like the Node host's runnerTimeoutMs).
 */
#ifndef CHECKS_H
#define CHECKS_H

#include <stdint.h>
#include <sys/types.h>

#include "run_spec.h"

#define CHECKS_PENDING_MAX 256
/* epoll data of a check socket: this tag in the high half, the slot in the low half. */
#define CHECKS_EPOLL_TAG (1ull << 32)

void checks_init(int epoll_fd);
void checks_start(int32_t check, int32_t handle, const run_spec_t* spec, int32_t ordinal);
void checks_on_socket(uint32_t slot, uint32_t events);
void checks_on_exit(int32_t slot, pid_t pid, int status);
/* Times out what is due; returns the next check deadline (UINT64_MAX: none). */
uint64_t checks_expire(uint64_t now_ms);

#endif
