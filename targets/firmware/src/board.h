/*
 * What main.c needs from the board it runs on: bring-up, a real clock and sleep for the live
 * HAL, and a way to end the run with a status. boards/native (a Linux process) and boards/mps2
 * (Cortex-M3/M4 under qemu-system-arm, SysTick as the clock) implement it.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stddef.h>
#include <stdint.h>

/* The board's name in output lines ("native", "mps2-an385", ...). */
extern const char* const BOARD_NAME;

/* Clocks, output: everything main.c uses afterwards. Returns 0 or a negative error. */
int32_t board_init(void);

/* Milliseconds since board_init, from the board's own timer. */
uint64_t board_now_ms(void);

/* Blocks about `ms` milliseconds (the CPU idles where it can). */
void board_sleep_ms(uint32_t ms);

/* A seed from whatever varies between boots (a timer value): the live HAL's randomness. */
uint32_t board_entropy(void);

/*
 * A conformance program given to this run in place of the built-in one (the native board reads
 * the file named by argv[1]; boards without files return NULL). NULL also when reading failed,
 * after printing why.
 */
const uint8_t* board_program(int argc, char** argv, size_t* length);

/* Ends the run: the process exit status natively, the semihosting exit code on the board. */
void board_exit(int status) __attribute__((noreturn));

#endif
