/*
 * The Linux native host: the kernel (wasm2c, the firmware host's build and runtime) supervising
 * real processes. One process, one thread: an epoll loop over a signalfd (SIGCHLD, SIGINT,
 * SIGTERM) and the check sockets, woken at the kernel's next deadline.
 *
 *   main.c      bring-up: the blob, the run specs, the features refused, then loop.c
 *   host.c      the clock, the error line and the kernel's error sentence every part uses
 *   blob.c      reads the blob file, stages it into the kernel, refuses what this host cannot execute
 *   run_spec.c  the RUN sections (tag 0x8B, host/supervisor/run-section.ts) into run_spec_t
 *   procs.c     spawn (fork + exec, own process group, PR_SET_PDEATHSIG), stop, kill, reap
 *   checks.c    run-check: process, tcp (non-blocking connect), http (GET), command
 *   loop.c      the event loop and the graceful shutdown
 *
 * Error codes of this host (targets/firmware's convention: myco.h has -1000, -1001, snapshot.h
 * -1002, slots.h -1003, -1004):
 */
#ifndef LINUX_HOST_H
#define LINUX_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "myco.h"

#define MYCO_E_BLOB_FILE (-1005)    /* the blob file cannot be read, or is larger than the kernel's manifest slot */
#define MYCO_E_RUN_SPEC (-1006)     /* a RUN section is missing, malformed or names a bad command, cwd or env */
#define MYCO_E_UNSUPPORTED (-1007)  /* the manifest asks for an action or feature this host cannot execute */
#define MYCO_E_SPAWN (-1008)        /* fork, exec or a process group call failed */
#define MYCO_E_SYSTEM (-1009)       /* an event-loop system call failed (signalfd, epoll, clock) */

/* Kernel constants the host acts on (assembly/log/outbox.ts, registry/states.ts, health/checks.ts). */
#define ACTION_SPAWN 1
#define ACTION_STOP 2
#define ACTION_KILL 3
#define ACTION_RUN_CHECK 4
#define STATE_STOPPED 0
#define STATE_FAILED 4
#define STATE_DISABLED 5
#define CHECK_HTTP 0
#define CHECK_TCP 1
#define CHECK_PROCESS 2
#define CHECK_COMMAND 4
#define OUTCOME_SUCCESS 0
#define OUTCOME_FAILURE 1
#define OUTCOME_TIMEOUT 2

/* Starts the clock host_now_ms counts from (once, at bring-up). */
void host_clock_start(void);

/* Monotonic milliseconds since host_clock_start (the HAL's clock). */
uint64_t host_now_ms(void);

/* "myco-linux: " + the formatted line on stderr. Returns `status` (for `return fail(...)`). */
int32_t host_log(int32_t status, const char* format, ...) __attribute__((format(printf, 2, 3)));

/* The kernel's sentence for the last error (errorDetail), or its code's message. */
const char* host_kernel_detail(int32_t status);

#endif
