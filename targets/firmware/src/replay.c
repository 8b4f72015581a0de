#include "replay.h"

#include <stdbool.h>
#include <string.h>

#include "myco.h"
#include "out.h"
#include "scenario_ops.h"

#define ACTION_SPAWN 1
#define ACTION_STOP 2
#define ACTION_KILL 3
#define EVENT_RECORD_BYTES 32u
/* Host answers waiting at once, and hung instances: fixed tables, like the TS twin's limits. */
#define PENDING_MAX 128
#define HUNG_MAX 16
/* A replay failure that is not a kernel status (the scenario or the simulated host went wrong). */
#define REPLAY_E_HOST (-2000)

typedef struct {
  uint64_t at_ms;
  uint32_t order;
  int32_t handle;
  bool started;
  int32_t status;
} pending_t;

typedef struct {
  hal_virtual_t* clock;
  xorshift32_t random;
  fnv1a64_t hash;
  int32_t ids[SCENARIO_SERVICE_COUNT];
  int32_t hung_service[HUNG_MAX];
  int32_t hung_ordinal[HUNG_MAX];
  uint32_t hung_count;
  pending_t pending[PENDING_MAX];
  uint32_t pending_count;
  uint32_t order;
  uint32_t next_seq;
  uint32_t events;
  uint32_t step; /* 1-based, for messages */
} replay_t;

static replay_t r;

static int32_t fail(const char* what, int32_t status) {
  out_text("replay: step ");
  out_int(r.step);
  out_text(" ");
  out_text(what);
  out_text(": status ");
  out_int(status);
  out_end_line();
  return status < 0 ? status : REPLAY_E_HOST;
}

/* The kernel's answer must be exactly `expect`, or >= 0 when `exact` is false. */
static bool as_expected(int32_t status, bool exact, int32_t expect) {
  return exact ? status == expect : status >= 0;
}

static int32_t service_index(int32_t id) {
  for (int32_t i = 0; i < SCENARIO_SERVICE_COUNT; i++) {
    if (r.ids[i] == id) return i;
  }
  return -1;
}

static bool is_hung(int32_t service, int32_t ordinal) {
  for (uint32_t i = 0; i < r.hung_count; i++) {
    if (r.hung_service[i] == service && r.hung_ordinal[i] == ordinal) return true;
  }
  return false;
}

static int32_t schedule(uint32_t delay_ms, int32_t handle, bool started, int32_t status) {
  if (r.pending_count == PENDING_MAX) return fail("too many host answers pending", REPLAY_E_HOST);
  pending_t* p = &r.pending[r.pending_count++];
  p->at_ms = r.clock->now_ms + delay_ms;
  p->order = r.order++;
  p->handle = handle;
  p->started = started;
  p->status = status;
  return MYCO_OK;
}

static void cancel(int32_t handle) {
  uint32_t kept = 0;
  for (uint32_t i = 0; i < r.pending_count; i++) {
    if (r.pending[i].handle != handle) r.pending[kept++] = r.pending[i];
  }
  r.pending_count = kept;
}

static int32_t collect_events(void) {
  for (;;) {
    int32_t count = myco_events_read(r.next_seq);
    if (count < 0) return fail("eventsRead", count);
    if (count == 0) return MYCO_OK;
    for (int32_t i = 0; i < count; i++) {
      const uint8_t* record = myco_io() + (uint32_t)i * EVENT_RECORD_BYTES;
      uint32_t seq;
      memcpy(&seq, record + 8, sizeof seq);
      if (seq != r.next_seq) return fail("event log gap", REPLAY_E_HOST);
      fnv1a64_update(&r.hash, record, EVENT_RECORD_BYTES);
      r.events++;
      r.next_seq++;
    }
  }
}

static int32_t answer(const myco_action_t* action) {
  int32_t index = service_index(action->service);
  if (index < 0) return fail("action for an unknown service", REPLAY_E_HOST);
  const scenario_service_t* spec = &SCENARIO_SERVICES[index];
  switch (action->kind) {
    case ACTION_SPAWN: {
      if (is_hung(action->service, action->arg)) return MYCO_OK;
      uint32_t jitter = spec->start_jitter_ms > 0 ? xorshift32_next(&r.random) % (uint32_t)(spec->start_jitter_ms + 1) : 0;
      return schedule((uint32_t)spec->start_delay_ms + jitter, action->instance, true, 0);
    }
    case ACTION_STOP:
      return schedule((uint32_t)spec->stop_delay_ms, action->instance, false, 0);
    case ACTION_KILL:
      cancel(action->instance);
      return schedule(1, action->instance, false, -9);
    default:
      return MYCO_OK; /* checks, reboot requests, config notices: nothing to answer in this scenario */
  }
}

static int32_t handle_actions(void) {
  for (;;) {
    int32_t count = myco_actions_drain();
    if (count < 0) return fail("actionsDrain", count);
    if (count == 0) return MYCO_OK;
    for (int32_t i = 0; i < count; i++) {
      myco_action_t action = myco_action_at((uint32_t)i);
      int32_t status = answer(&action);
      if (status < 0) return status;
    }
  }
}

static int32_t settle(void) {
  int32_t status = handle_actions();
  return status < 0 ? status : collect_events();
}

/* The earliest pending answer (ties: the one scheduled first), or -1. */
static int32_t earliest(void) {
  int32_t best = -1;
  for (uint32_t i = 0; i < r.pending_count; i++) {
    const pending_t* p = &r.pending[i];
    if (best < 0 || p->at_ms < r.pending[best].at_ms || (p->at_ms == r.pending[best].at_ms && p->order < r.pending[best].order)) {
      best = (int32_t)i;
    }
  }
  return best;
}

static int32_t deliver(int32_t index) {
  pending_t answer = r.pending[index];
  r.pending[index] = r.pending[--r.pending_count];
  int32_t status = answer.started ? myco_instance_started(answer.handle) : myco_instance_exited(answer.handle, answer.status);
  if (status < 0 && status != MYCO_E_STALE_INSTANCE && status != MYCO_E_UNKNOWN_INSTANCE) {
    return fail(answer.started ? "instanceStarted" : "instanceExited", status);
  }
  return MYCO_OK;
}

static int32_t run_for(uint32_t duration_ms) {
  uint64_t end_ms = r.clock->now_ms + duration_ms;
  for (;;) {
    int32_t status = settle();
    if (status < 0) return status;
    int32_t next = earliest();
    if (next >= 0 && r.pending[next].at_ms <= r.clock->now_ms) {
      status = deliver(next);
      if (status < 0) return status;
      continue;
    }
    if (r.clock->now_ms >= end_ms) return MYCO_OK;
    uint64_t target_ms = next >= 0 && r.pending[next].at_ms < end_ms ? r.pending[next].at_ms : end_ms;
    uint64_t before_ms = r.clock->now_ms;
    int32_t result = myco_run((int32_t)(target_ms - r.clock->now_ms));
    if (result < 0) return fail("run", result);
    if (result == 0 && r.clock->now_ms == before_ms) return fail("run returned without time passing", REPLAY_E_HOST);
  }
}

static int32_t op_register(const scenario_op_t* op) {
  const scenario_service_t* spec = &SCENARIO_SERVICES[op->service];
  int32_t id = myco_service_register(spec->name, (uint32_t)strlen(spec->name), spec->type, spec->instances);
  if (!as_expected(id, op->expect_exact, op->expect)) return fail("serviceRegister", id);
  r.ids[op->service] = id;
  const int32_t timeouts[2] = {spec->start_timeout_ms, spec->stop_timeout_ms}; /* the TIMEOUTS record (section 0) */
  int32_t status = myco_record_apply(id, 0, (const uint8_t*)timeouts, sizeof timeouts);
  return status < 0 ? fail("recordApply", status) : MYCO_OK;
}

static int32_t op_exit(const scenario_op_t* op) {
  int32_t handle = myco_service_instance(r.ids[op->service], op->value);
  if (handle < 0) return fail("serviceInstance", handle);
  cancel(handle);
  int32_t status = myco_instance_exited(handle, op->value2);
  return as_expected(status, op->expect_exact, op->expect) ? MYCO_OK : fail("instanceExited", status);
}

/* A command whose status must match the op's expectation. */
static int32_t expect(const scenario_op_t* op, int32_t status, const char* what) {
  return as_expected(status, op->expect_exact, op->expect) ? MYCO_OK : fail(what, status);
}

static int32_t execute(const scenario_op_t* op) {
  int32_t id = op->service >= 0 ? r.ids[op->service] : -1;
  switch (op->op) {
    case SCENARIO_OP_REGISTER: return op_register(op);
    case SCENARIO_OP_REGISTER_NAME:
      return expect(op, myco_service_register(op->name, (uint32_t)strlen(op->name), 0, 1), "serviceRegister");
    case SCENARIO_OP_DEPEND: return expect(op, myco_dependency_add(id, r.ids[op->target], op->value), "dependencyAdd");
    case SCENARIO_OP_HANG:
      if (r.hung_count == HUNG_MAX) return fail("too many hung instances", REPLAY_E_HOST);
      r.hung_service[r.hung_count] = id;
      r.hung_ordinal[r.hung_count++] = op->value;
      return MYCO_OK;
    case SCENARIO_OP_START_ALL: return expect(op, myco_start_all(), "startAll");
    case SCENARIO_OP_STOP_ALL: return expect(op, myco_stop_all(), "stopAll");
    case SCENARIO_OP_START: return expect(op, myco_service_start(id), "serviceStart");
    case SCENARIO_OP_STOP: return expect(op, myco_service_stop(id), "serviceStop");
    case SCENARIO_OP_RESTART: return expect(op, myco_service_restart(id), "serviceRestart");
    case SCENARIO_OP_RUN: return run_for((uint32_t)op->value);
    case SCENARIO_OP_EXIT: return op_exit(op);
    case SCENARIO_OP_ADVANCE: r.clock->now_ms += (uint32_t)op->value; return MYCO_OK;
    case SCENARIO_OP_TICK: return expect(op, myco_tick(), "tick");
    default: return fail("unknown op", REPLAY_E_HOST);
  }
}

uint32_t replay_seed(void) {
  return SCENARIO_SEED;
}

int32_t replay_scenario(hal_virtual_t* clock, replay_result_t* result) {
  memset(&r, 0, sizeof r);
  r.clock = clock;
  r.next_seq = 1;
  xorshift32_seed(&r.random, SCENARIO_SEED ^ SIMULATION_SEED_MIX);
  fnv1a64_init(&r.hash);
  for (int32_t i = 0; i < SCENARIO_SERVICE_COUNT; i++) r.ids[i] = -1;
  for (uint32_t i = 0; i < SCENARIO_OP_COUNT; i++) {
    r.step = i + 1;
    int32_t status = execute(&SCENARIO_OPS[i]);
    if (status < 0) return status;
    status = settle();
    if (status < 0) return status;
  }
  result->events = r.events;
  result->hash = r.hash.hash;
  result->ops = SCENARIO_OP_COUNT;
  return MYCO_OK;
}
