/*
 * The firmware host, top to bottom: bring the board up, run the conformance scenario on the
 * virtual HAL and print its hash, prove that a trap is caught and that a restart gives a clean
 * kernel, then run the kernel on the board's own clock. Every call is checked; the first failure
 * ends the run with a non-zero status.
 *
 * The conformance program is the one built in (embedded.h, the all-layer scenario),
 * or on the native board a program file named on the command line (a recorded simulator seed).
 *
 * Output lines read by targets/firmware/tools (and CI):
 *   host <name> calls <count> events <count> hash <hex> event-hash <hex>
 *   trap <call> kind <kind> abort "<message>" at <file>:<line>:<column>   (two rounds)
 *   restart calls <count> events <count> hash <hex> event-hash <hex>
 *   live <board> start-timeout kill after <ms> ms
 */
#include <string.h>

#include "board.h"
#include "embedded.h"
#include "hal_virtual.h"
#include "live.h"
#include "myco.h"
#include "myco_profile.h"
#include "out.h"
#include "replay.h"
#include "status.h"

#ifndef MYCO_HOST_NAME
#error "define MYCO_HOST_NAME (the name this host prints, e.g. \"native\")"
#endif

static hal_virtual_t virtual_state;
static myco_hal_t virtual_hal;
static const uint8_t* program = CONFORMANCE_PROGRAM;
static size_t program_length;

static bool print_hash_line(const char* prefix, const replay_result_t* result) {
  return out_text(prefix) && out_text(" calls ") && out_int(result->calls) && out_text(" events ") && out_int(result->events) &&
         out_text(" hash ") && out_hex64(result->hash) && out_text(" event-hash ") && out_hex64(result->event_hash) && out_end_line();
}

/* The program on a fresh kernel over a fresh virtual HAL (clock 0, splitmix32 seeded by the program). */
static int32_t replay_fresh(replay_result_t* result, bool restart) {
  hal_virtual_init(&virtual_state, &virtual_hal, replay_seed(program, program_length));
  if (restart) {
    CHECK(myco_restart());
  } else {
    CHECK(myco_init(&virtual_hal));
  }
  CHECK(replay_program(program, program_length, &virtual_state, result));
  return MYCO_OK;
}

/*
 * Fault injection: a stray write from elsewhere in the firmware fills the kernel's tables (the
 * heap past the I/O buffer) with one byte value. The probes then run in order until one traps;
 * the trap must be reported and the instance must refuse calls until restarted. The same rounds
 * run on the Node host (targets/conformance/faults.ts): every host must trap alike.
 */
typedef struct {
  const char* name;
  int32_t (*call)(void);
} probe_t;

static int32_t stop_first(void) { return myco_service_stop(0); }
static int32_t restart_first(void) { return myco_service_restart(0); }
static int32_t name_first(void) { return myco_service_name(0); }
static int32_t order_all(void) { return myco_order(); }
static int32_t reset_all(void) { return myco_reset(); }

static const probe_t ROUND_ONE[] = {{"serviceStop", stop_first}, {"serviceRestart", restart_first}, {"tick", myco_tick}};
static const probe_t ROUND_TWO[] = {{"order", order_all}, {"reset", reset_all}, {"serviceName", name_first}};

static int32_t corrupt_tables(uint8_t fill) {
  uint32_t memory_bytes = 0;
  uint8_t* memory = myco_memory(&memory_bytes);
  uint32_t heap_top = 0;
  int32_t capacity = myco_io_capacity();
  CHECK(myco_heap_high_water(&heap_top));
  CHECK(capacity);
  EXPECT(memory != NULL && heap_top <= memory_bytes);
  uint32_t tables = (uint32_t)(myco_io() - memory) + (uint32_t)capacity;
  EXPECT(tables < heap_top);
  memset(memory + tables, fill, heap_top - tables);
  return MYCO_OK;
}

static int32_t fault_round(uint8_t fill, const probe_t* probes, size_t count) {
  CHECK(corrupt_tables(fill));
  for (size_t i = 0; i < count; i++) {
    int32_t status = probes[i].call();
    if (status != MYCO_E_TRAPPED) continue;
    EXPECT(!myco_running() && myco_tick() == MYCO_E_NOT_RUNNING);
    const myco_trap_t* trap = myco_last_trap();
    bool printed = out_text("trap ") && out_text(probes[i].name) && out_text(" kind ") && out_text(trap->kind_name) &&
                   out_text(" abort \"") && out_text(trap->message) && out_text("\" at ") && out_text(trap->file) &&
                   out_text(":") && out_int(trap->line) && out_text(":") && out_int(trap->column) && out_end_line();
    EXPECT(printed);
    return MYCO_OK;
  }
  return status_failed("a trap after corrupting the kernel's tables", -1);
}

static int32_t faults(const replay_result_t* first) {
  replay_result_t again;
  CHECK(fault_round(0x7f, ROUND_ONE, sizeof ROUND_ONE / sizeof ROUND_ONE[0]));
  CHECK(replay_fresh(&again, true));
  EXPECT(print_hash_line("restart", &again));
  EXPECT(again.events == first->events && again.hash == first->hash && again.event_hash == first->event_hash);
  CHECK(fault_round(0xff, ROUND_TWO, sizeof ROUND_TWO / sizeof ROUND_TWO[0]));
  CHECK(replay_fresh(&again, true));
  EXPECT(again.hash == first->hash);
  return MYCO_OK;
}

static int32_t run(int argc, char** argv) {
  replay_result_t result;
  CHECK(board_init());
  program_length = CONFORMANCE_PROGRAM_BYTES;
  size_t given_length = 0;
  const uint8_t* given = board_program(argc, argv, &given_length);
  if (given != NULL) {
    program = given;
    program_length = given_length;
  }
  EXPECT(argc <= 1 || given != NULL);
  EXPECT(out_text("myco: firmware host on ") && out_text(BOARD_NAME) && out_text(", profile ") &&
         out_text(MYCO_PROFILE_NAME) && out_end_line());
  CHECK(replay_fresh(&result, false));
  EXPECT(print_hash_line("host " MYCO_HOST_NAME, &result));
  CHECK(faults(&result));
  CHECK(live_run());
  EXPECT(out_text("myco: ok") && out_end_line());
  return MYCO_OK;
}

int main(int argc, char** argv) {
  return run(argc, argv) == MYCO_OK ? 0 : 1;
}
