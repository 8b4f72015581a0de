/*
 * myco-snapshot: the native C host's side of the cross-host snapshot proof
 * (test/targets/snapshot-cross.test.ts). It runs conformance programs (targets/conformance) on the
 * virtual HAL, takes a snapshot to a file or restores one from a file, and hashes what the kernel
 * answers next, exactly as the Node host does. The virtual HAL's state travels beside the
 * snapshot (it is the host's, not the kernel's): the clock, the wake time and how many numbers
 * the PRNG has given since the program's seed.
 *
 *   myco-snapshot take FIRST SNAPSHOT [NEXT]     FIRST on a fresh kernel, then the snapshot to
 *                                                SNAPSHOT, then (if given) NEXT on the same kernel
 *   myco-snapshot restore SNAPSHOT NOW WAKE DRAWS NEXT
 *                                                a fresh kernel, the snapshot restored into it,
 *                                                the HAL set to NOW WAKE DRAWS, then NEXT
 * Output lines:
 *   took bytes <n> hal <now> <wake> <draws>
 *   next calls <count> events <count> hash <hex> event-hash <hex>
 *   refused <status>                               (restore: the kernel refused the snapshot)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal_virtual.h"
#include "myco.h"
#include "myco_profile.h"
#include "out.h"
#include "read-file.h"
#include "replay.h"
#include "snapshot.h"
#include "wasm-rt-static.h"

/* A snapshot is never longer than the kernel's memory plus its header and section heads. */
#define SNAPSHOT_CAPACITY (MYCO_MEMORY_PAGES * 65536u + 4096u)

static hal_virtual_t virtual_state;
static myco_hal_t hal;
static uint32_t draws; /* numbers the PRNG gave since its seed */
static uint32_t (*draw_next)(void*);

void myco_rt_fatal(wasm_rt_trap_t trap) {
  fprintf(stderr, "myco-snapshot: trap outside a guarded call: %s\n", wasm_rt_strerror(trap));
  exit(5);
}

static uint32_t counted_random(void* context) {
  draws++;
  return draw_next(context);
}

static int fail(const char* what, const char* detail, int32_t status) {
  fprintf(stderr, "myco-snapshot: %s%s%s (status %d)\n", what, detail ? " " : "", detail ? detail : "", (int)status);
  return 1;
}

/* A fresh kernel over the virtual HAL seeded by `program`. */
static int32_t start(const uint8_t* program, size_t length) {
  hal_virtual_init(&virtual_state, &hal, replay_seed(program, length));
  draw_next = hal.random_u32;
  hal.random_u32 = counted_random;
  draws = 0;
  return myco_init(&hal);
}

/* The virtual HAL as the snapshot's host left it: clock, wake, PRNG `skip` numbers past `seed`. */
static void hal_at(uint32_t seed, int64_t now, int64_t wake, uint32_t skip) {
  splitmix32_seed(&virtual_state.random, seed);
  for (draws = 0; draws < skip;) counted_random(&virtual_state);
  virtual_state.now_ms = now;
  virtual_state.wake_ms = wake;
}

static int replay_file(const char* path, const char* label) {
  size_t length = 0;
  uint8_t* program = read_file(path, &length);
  if (program == NULL) return fail("cannot read program", path, -1);
  replay_result_t result;
  int32_t status = replay_program(program, length, &virtual_state, &result);
  free(program);
  if (status != MYCO_OK) return fail("replay failed:", path, status);
  bool printed = out_text(label) && out_text(" calls ") && out_int(result.calls) && out_text(" events ") && out_int(result.events) &&
                 out_text(" hash ") && out_hex64(result.hash) && out_text(" event-hash ") && out_hex64(result.event_hash) && out_end_line();
  return printed ? 0 : 1;
}

static int take(int argc, char** argv) {
  size_t length = 0;
  uint8_t* program = read_file(argv[2], &length);
  if (program == NULL) return fail("cannot read program", argv[2], -1);
  int32_t status = start(program, length);
  free(program);
  if (status != MYCO_OK) return fail("kernel init failed", NULL, status);
  if (replay_file(argv[2], "first") != 0) return 1;
  uint8_t* bytes = malloc(SNAPSHOT_CAPACITY);
  if (bytes == NULL) return fail("out of memory", NULL, -1);
  int32_t total = myco_snapshot_save(bytes, SNAPSHOT_CAPACITY);
  if (total < 0) return fail("snapshot take failed", NULL, total);
  FILE* file = fopen(argv[3], "wb");
  bool written = file != NULL && fwrite(bytes, 1, (size_t)total, file) == (size_t)total;
  if (file != NULL && fclose(file) != 0) written = false;
  free(bytes);
  if (!written) return fail("cannot write snapshot", argv[3], -1);
  bool printed = out_text("took bytes ") && out_int(total) && out_text(" hal ") && out_int(virtual_state.now_ms) && out_text(" ") &&
                 out_int(virtual_state.wake_ms) && out_text(" ") && out_int(draws) && out_end_line();
  if (!printed) return 1;
  return argc > 4 ? replay_file(argv[4], "next") : 0;
}

static int restore(char** argv) {
  size_t length = 0;
  size_t program_length = 0;
  uint8_t* next = read_file(argv[6], &program_length);
  if (next == NULL) return fail("cannot read program", argv[6], -1);
  uint32_t seed = replay_seed(next, program_length);
  int32_t status = start(next, program_length);
  free(next);
  if (status != MYCO_OK) return fail("kernel init failed", NULL, status);
  uint8_t* bytes = read_file(argv[2], &length);
  if (bytes == NULL) return fail("cannot read snapshot", argv[2], -1);
  status = myco_snapshot_load(bytes, (uint32_t)length);
  free(bytes);
  if (status != MYCO_OK) return out_text("refused ") && out_int(status) && out_end_line() ? 2 : 1;
  hal_at(seed, strtoll(argv[3], NULL, 10), strtoll(argv[4], NULL, 10), (uint32_t)strtoul(argv[5], NULL, 10));
  return replay_file(argv[6], "next");
}

int main(int argc, char** argv) {
  if (argc >= 4 && argc <= 5 && strcmp(argv[1], "take") == 0) return take(argc, argv);
  if (argc == 7 && strcmp(argv[1], "restore") == 0) return restore(argv);
  fprintf(stderr, "usage: myco-snapshot take FIRST SNAPSHOT [NEXT] | restore SNAPSHOT NOW WAKE DRAWS NEXT\n");
  return 64;
}
