/*
 * The live run: a service configured as a device would configure it, by its manifest (src/live.yaml:
 * a 30 ms start timeout), started on the board's clock; it never reports started, so the kernel
 * must kill it on time.
 */
#include "live.h"

#include "actions.h"
#include "board.h"
#include "embedded.h"
#include "hal_board.h"
#include "myco.h"
#include "out.h"
#include "status.h"

#define LIVE_RUN_MS 1000

static hal_board_t board_state;
static myco_hal_t board_hal;

/* The first drained action of `kind`, if any. */
static bool drained_action(int32_t count, uint8_t kind) {
  for (int32_t i = 0; i < count; i++) {
    if (myco_action_at((uint32_t)i).kind == kind) return true;
  }
  return false;
}

/* Whether the event log holds an instance event with `cause`. */
static int32_t find_instance_event(uint8_t cause, bool* found) {
  *found = false;
  uint32_t seq = 1;
  for (int32_t count = myco_events_read(seq); count != 0; count = myco_events_read(seq)) {
    CHECK(count);
    for (int32_t i = 0; i < count; i++) {
      myco_event_t event = myco_event_at((uint32_t)i);
      if (event.kind == EVENT_INSTANCE_STATE && event.cause == cause) *found = true;
      seq = event.seq + 1;
    }
  }
  return MYCO_OK;
}

int32_t live_run(void) {
  static const char name[] = "sensor";
  bool timed_out = false;
  myco_shutdown();
  hal_board_init(&board_state, &board_hal);
  CHECK(myco_init(&board_hal));
  CHECK(myco_manifest_stage(0, LIVE_MANIFEST, (uint32_t)LIVE_MANIFEST_BYTES));
  CHECK(myco_manifest_load((int32_t)LIVE_MANIFEST_BYTES));
  CHECK(myco_service_lookup(name, sizeof name - 1));
  CHECK(myco_start_all());
  int32_t spawned = myco_actions_drain();
  CHECK(spawned);
  EXPECT(drained_action(spawned, ACTION_SPAWN));
  uint64_t started_ms = board_now_ms();
  int32_t pending = myco_run(LIVE_RUN_MS); /* sleeps on the board's clock until the deadline */
  uint64_t elapsed_ms = board_now_ms() - started_ms;
  CHECK(pending);
  int32_t drained = myco_actions_drain();
  CHECK(drained);
  EXPECT(drained_action(drained, ACTION_KILL));
  CHECK(find_instance_event(CAUSE_START_TIMEOUT, &timed_out));
  EXPECT(timed_out);
  bool printed = out_text("live ") && out_text(BOARD_NAME) && out_text(" start-timeout kill after ") &&
                 out_int((int64_t)elapsed_ms) && out_text(" ms") && out_end_line();
  EXPECT(printed);
  myco_shutdown();
  return MYCO_OK;
}
