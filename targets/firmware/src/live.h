/*
 * The kernel on the board's own clock (live.c), after the virtual-clock runs: a service that
 * never reports started is killed on time. Prints "live <board> start-timeout kill after <ms> ms".
 */
#ifndef LIVE_H
#define LIVE_H

#include <stdint.h>

/* Shuts down whatever kernel runs, runs the live check on a fresh one and shuts it down again. */
int32_t live_run(void);

#endif
