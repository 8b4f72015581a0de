/*
 * Cortex-M startup for the mps2 boards: the vector table, and a reset handler that copies
 * .data, clears .bss, opens the semihosting console and runs main. Faults are reported on the
 * console and end the run with a status; nothing fails silently.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern int main(int argc, char** argv);
extern void initialise_monitor_handles(void); /* newlib rdimon: opens the semihosting stdio */
void SysTick_Handler(void);

void Reset_Handler(void);
void Fault_Handler(void);
void Unexpected_Handler(void);

static void say(const char* text) {
  (void)write(1, text, strlen(text));
}

void Reset_Handler(void) {
  memcpy(&_sdata, &_sidata, (size_t)((uintptr_t)&_edata - (uintptr_t)&_sdata));
  memset(&_sbss, 0, (size_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss));
  initialise_monitor_handles();
  board_exit(main(0, 0)); /* no command line on the board */
}

void Fault_Handler(void) {
  say("board: fault (hard, memory, bus or usage)\n");
  board_exit(3);
}

void Unexpected_Handler(void) {
  say("board: unexpected exception\n");
  board_exit(4);
}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
  (void (*)(void))&_estack, /* initial stack pointer */
  Reset_Handler,
  Unexpected_Handler, /* NMI */
  Fault_Handler,      /* HardFault */
  Fault_Handler,      /* MemManage */
  Fault_Handler,      /* BusFault */
  Fault_Handler,      /* UsageFault */
  0, 0, 0, 0,
  Unexpected_Handler, /* SVCall */
  Unexpected_Handler, /* DebugMonitor */
  0,
  Unexpected_Handler, /* PendSV */
  SysTick_Handler,
};
