/*
 * The device image: what a product built on the tiny profile carries (issue 16 measures its
 * flash), without main.c's conformance harness (the replay, its export dispatch and program, the
 * fault rounds). It boots the board, loads its manifest (src/device.yaml), starts every service
 * in dependency order and runs the kernel on the board's clock for DEVICE_RUN_MS, performing each
 * action the kernel emits and routing one request per round across the uplink's instances; then
 * it stops everything in order. Its services are tasks of the image: each starts at once and
 * passes its checks, and the sampler crashes once so that the kernel's backoff restarts it.
 *
 * Output lines (read by targets/firmware/tools/run.ts):
 *   device <board> spawned <n> checks <n> picks <n> restarts <n> stopped <n>
 *   myco: ok
 */
#include "actions.h"
#include "board.h"
#include "embedded.h"
#include "hal_board.h"
#include "myco.h"
#include "out.h"
#include "status.h"

#define DEVICE_RUN_MS 1000u
#define STOP_WAIT_MS 1000u
#define CRASH_AFTER_MS 100u
#define CHECK_LATENCY_MS 1
#define EXIT_KILLED (-9)
#define EXIT_CRASHED 1

static hal_board_t board_state;
static myco_hal_t board_hal;

typedef struct {
  int32_t sampler, uplink; /* service ids */
  int32_t running;         /* instances started and not yet exited */
  int32_t spawned, checks, picks, stopped, sampler_spawns;
  int32_t crash_handle; /* the sampler instance that crashes, once (-1: not yet spawned, or done) */
  uint64_t crash_at_ms;
  bool crashed;
} device_t;

static int32_t lookup(const char* name, uint32_t length) {
  return myco_service_lookup(name, length);
}

/* One action, as a board performs it for its tasks. */
static int32_t perform(device_t* d, myco_action_t action) {
  switch (action.kind) {
    case ACTION_SPAWN:
      d->spawned++;
      d->running++;
      if (action.service == d->sampler && d->sampler_spawns++ == 0) {
        d->crash_handle = action.instance;
        d->crash_at_ms = board_now_ms() + CRASH_AFTER_MS;
      }
      return myco_instance_started(action.instance);
    case ACTION_STOP:
    case ACTION_KILL:
      d->running--;
      d->stopped++;
      if (action.instance == d->crash_handle) d->crash_handle = -1; /* stopped before it crashed */
      return myco_instance_exited(action.instance, action.kind == ACTION_STOP ? 0 : EXIT_KILLED);
    case ACTION_RUN_CHECK:
      d->checks++;
      return myco_check_report(action.arg, action.instance, 0, CHECK_LATENCY_MS);
    default:
      return status_failed("an action this device does not perform", action.kind);
  }
}

static int32_t perform_all(device_t* d) {
  int32_t count = myco_actions_drain();
  CHECK(count);
  /* The answers write nothing to the I/O buffer, so the drained records stay readable. */
  for (int32_t i = 0; i < count; i++) CHECK(perform(d, myco_action_at((uint32_t)i)));
  return MYCO_OK;
}

/* Runs the kernel on the board's clock until `until_ms`, acting as it asks: routing requests (`route`),
 * or, when not routing, only until every instance has exited. */
static int32_t run_until(device_t* d, uint64_t until_ms, bool route) {
  for (uint64_t now = board_now_ms(); now < until_ms; now = board_now_ms()) {
    uint64_t next = until_ms;
    if (d->crash_handle >= 0 && d->crash_at_ms < next) next = d->crash_at_ms;
    CHECK(myco_run(next > now ? (int32_t)(next - now) : 0));
    CHECK(perform_all(d));
    if (d->crash_handle >= 0 && board_now_ms() >= d->crash_at_ms) {
      CHECK(myco_instance_exited(d->crash_handle, EXIT_CRASHED));
      d->running--;
      d->crash_handle = -1;
      d->crashed = true;
    }
    if (route) {
      int32_t handle = myco_balance_pick(d->uplink); /* none yet while the uplink starts */
      if (handle >= 0) {
        d->picks++;
        CHECK(myco_balance_request_finished(handle, CHECK_LATENCY_MS, 1));
      }
    }
    if (!route && d->running == 0) break;
  }
  return MYCO_OK;
}

static int32_t run(void) {
  static const char sampler[] = "sampler";
  static const char uplink[] = "uplink";
  device_t d = {.crash_handle = -1};
  CHECK(board_init());
  hal_board_init(&board_state, &board_hal);
  CHECK(myco_init(&board_hal));
  CHECK(myco_manifest_stage(0, DEVICE_MANIFEST, (uint32_t)DEVICE_MANIFEST_BYTES));
  CHECK(myco_manifest_load((int32_t)DEVICE_MANIFEST_BYTES));
  CHECK(d.sampler = lookup(sampler, sizeof sampler - 1));
  CHECK(d.uplink = lookup(uplink, sizeof uplink - 1));
  CHECK(myco_start_all());
  CHECK(run_until(&d, board_now_ms() + DEVICE_RUN_MS, true));
  CHECK(myco_stop_all());
  CHECK(run_until(&d, board_now_ms() + STOP_WAIT_MS, false));
  EXPECT(d.running == 0 && d.crashed && d.picks > 0 && d.checks > 0);
  bool printed = out_text("device ") && out_text(BOARD_NAME) && out_text(" spawned ") && out_int(d.spawned) &&
                 out_text(" checks ") && out_int(d.checks) && out_text(" picks ") && out_int(d.picks) && out_text(" restarts ") &&
                 out_int(d.sampler_spawns - 1) && out_text(" stopped ") && out_int(d.stopped) && out_end_line();
  EXPECT(printed && out_text("myco: ok") && out_end_line());
  return MYCO_OK;
}

int main(void) {
  return run() == MYCO_OK ? 0 : 1;
}
