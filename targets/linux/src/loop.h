/*
 * The event loop: tick the kernel, execute what it drained, then sleep in epoll_wait until the
 * kernel's next deadline, a check's deadline, a signal (signalfd: SIGCHLD, SIGINT, SIGTERM) or a
 * check socket. SIGINT/SIGTERM: the kernel's ordered stop (stopAll: dependents first, each stop
 * its timeout then a kill), and the loop ends once every service is at rest and every process
 * reaped. A second signal kills every process group at once.
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>

#include "run_spec.h"

/* `specs[id]`: the run spec of kernel service `id` (`count` ids). Returns the process exit status. */
int loop_run(run_spec_t* const* specs, uint32_t count);

#endif
