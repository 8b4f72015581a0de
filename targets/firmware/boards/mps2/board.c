/*
 * The mps2 boards under qemu-system-arm (AN385: Cortex-M3, AN386: Cortex-M4; both clock the CPU
 * at 25 MHz): SysTick interrupts every millisecond and counts the clock; sleep waits for
 * interrupts (WFI); output and exit go through semihosting (newlib's rdimon).
 */
#include "board.h"

#include <unistd.h>

#ifndef MPS2_BOARD
#error "define MPS2_BOARD (the QEMU machine name, e.g. \"mps2-an385\")"
#endif

#define CPU_HZ 25000000u
#define SYST_CSR (*(volatile uint32_t*)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CPU (1u << 2)

const char* const BOARD_NAME = MPS2_BOARD;

/* Milliseconds since board_init; 32 bits are written atomically, so readers never see a torn value. */
static volatile uint32_t ticks_ms;

void SysTick_Handler(void);
void SysTick_Handler(void) {
  ticks_ms++;
}

int32_t board_init(void) {
  SYST_RVR = CPU_HZ / 1000u - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
  return (SYST_CSR & SYST_CSR_ENABLE) != 0 ? 0 : -1;
}

uint64_t board_now_ms(void) {
  return ticks_ms;
}

void board_sleep_ms(uint32_t ms) {
  uint32_t start = ticks_ms;
  while (ticks_ms - start < ms) __asm__ volatile("wfi");
}

uint32_t board_entropy(void) {
  return SYST_CVR ^ (ticks_ms << 16);
}

void board_exit(int status) {
  _exit(status); /* not exit(): its reent cleanup would link malloc in */
}

const uint8_t* board_program(int argc, char** argv, size_t* length) {
  (void)argc;
  (void)argv;
  *length = 0;
  return NULL; /* the built-in program only */
}
