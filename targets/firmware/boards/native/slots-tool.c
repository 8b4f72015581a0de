/*
 * myco-slots: the two-slot upgrade (src/slots.c) on the native host, for
 * test/targets/firmware-slots.test.ts. It runs the first conformance program on slot 0, then
 * (MODE) upgrades into the other slot, then runs the next program and hashes the answers:
 *
 *   myco-slots FIRST NEXT MODE
 *     none               no upgrade (the reference)
 *     upgrade            an upgrade that must succeed (the kernel now runs in slot 1)
 *     corrupt-new        the new slot's tables are damaged before the restore: the snapshot is
 *                        refused and slot 0 carries on
 *     corrupt-restored   one byte of the new slot's state changes after the restore: the
 *                        self-check fails and slot 0 carries on
 * Output lines:
 *   upgrade <mode> status <status> slot <slot>
 *   next calls <count> events <count> hash <hex> event-hash <hex>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal_virtual.h"
#include "myco.h"
#include "out.h"
#include "read-file.h"
#include "replay.h"
#include "slots.h"
#include "wasm-rt-static.h"

static hal_virtual_t virtual_state;
static myco_hal_t hal;

void myco_rt_fatal(wasm_rt_trap_t trap) {
  fprintf(stderr, "myco-slots: trap outside a guarded call: %s\n", wasm_rt_strerror(trap));
  exit(5);
}

static int replay_file(const char* path, const char* label) {
  size_t length = 0;
  uint8_t* program = read_file(path, &length);
  if (program == NULL) {
    fprintf(stderr, "myco-slots: cannot read %s\n", path);
    return 1;
  }
  if (!myco_running()) {
    hal_virtual_init(&virtual_state, &hal, replay_seed(program, length));
    if (myco_init(&hal) != MYCO_OK) return 1;
  }
  replay_result_t result;
  int32_t status = replay_program(program, length, &virtual_state, &result);
  free(program);
  if (status != MYCO_OK) return 1;
  if (label == NULL) return 0;
  bool printed = out_text(label) && out_text(" calls ") && out_int(result.calls) && out_text(" events ") && out_int(result.events) &&
                 out_text(" hash ") && out_hex64(result.hash) && out_text(" event-hash ") && out_hex64(result.event_hash) && out_end_line();
  return printed ? 0 : 1;
}

/* The heap past the I/O buffer (the tables) of the active slot's kernel. */
static uint8_t* tables(uint32_t* bytes) {
  uint32_t size = 0;
  uint8_t* memory = myco_memory(&size);
  uint32_t top = 0;
  int32_t capacity = myco_io_capacity();
  if (memory == NULL || capacity < 0 || myco_heap_high_water(&top) < 0 || top > size) return NULL;
  uint32_t start = (uint32_t)(myco_io() - memory) + (uint32_t)capacity;
  *bytes = top > start ? top - start : 0;
  return memory + start;
}

/* A stray write over the new kernel's first table blocks (their allocator headers with them). */
static void damage_tables(void* context) {
  (void)context;
  uint32_t bytes = 0;
  uint8_t* at = tables(&bytes);
  if (at != NULL && bytes >= 64) memset(at, 0x7f, 64);
}

/* One bit of the restored state flipped, in the middle of the tables. */
static void flip_state(void* context) {
  (void)context;
  uint32_t bytes = 0;
  uint8_t* at = tables(&bytes);
  if (at != NULL && bytes > 0) at[bytes / 2] ^= 0x01;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: myco-slots FIRST NEXT none|upgrade|corrupt-new|corrupt-restored\n");
    return 64;
  }
  const char* mode = argv[3];
  myco_upgrade_hooks_t hooks = {NULL, NULL, NULL};
  if (strcmp(mode, "corrupt-new") == 0) hooks.after_instantiate = damage_tables;
  else if (strcmp(mode, "corrupt-restored") == 0) hooks.after_restore = flip_state;
  else if (strcmp(mode, "upgrade") != 0 && strcmp(mode, "none") != 0) return 64;
  if (replay_file(argv[1], NULL) != 0) return 1;
  if (strcmp(mode, "none") != 0) {
    int32_t status = myco_upgrade(&hooks);
    bool printed = out_text("upgrade ") && out_text(mode) && out_text(" status ") && out_int(status) && out_text(" slot ") &&
                   out_int(myco_slot()) && out_end_line();
    if (!printed) return 1;
  }
  int failed = replay_file(argv[2], "next");
  myco_shutdown();
  return failed;
}
