/*
 * Instruction counts per core operation, for callgrind (deterministic, unlike wall time):
 *
 *   valgrind --tool=callgrind --toggle-collect=bench_measure myco-bench <operation>
 *
 * counts only what runs inside bench_measure; setup happens outside it. Each operation runs
 * `repeat` times there; targets/firmware/tools/bench.ts divides. Operations:
 *   noop       crossing the boundary (guard + call), 1000 times
 *   register   registering a service, 16 times (16 services)
 *   start-all  startAll with 16 registered services (a chain: each requires the previous), once
 *   tick-idle  tick with nothing due (16 services running), 1000 times
 *   pick <n> [weighted]
 *              balancePickKey with strategy n over 64 running instances, 1000 times (keys vary),
 *              after one unmeasured pick; `weighted` gives instance k the weight 1 + k % 5
 *              (unequal weights: the strategies' weighted paths) instead of the default 1;
 *              exits with status 3 when the kernel has no strategy n
 *   breaker-pass  breakerPass (report a success, ask the next permit) on one instance with its
 *              breaker (window 20, judged from 10, 50 %, 5 in a row) and outlier detection on,
 *              1000 times, after one unmeasured pick
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "hal_virtual.h"
#include "myco.h"
#include "out.h"
#include "wasm-rt-static.h"

#define SERVICES 16
#define REPEAT_MANY 1000
#define POOL_INSTANCES 64
#define EXIT_NO_SUCH_STRATEGY 3

static hal_virtual_t clock_state;
static myco_hal_t hal;
static const char* operation;
static int32_t strategy = -1;
static bool weighted = false;
static int32_t pool = -1;

void myco_rt_fatal(wasm_rt_trap_t trap) {
  out_text("bench: trap outside a guarded call: ");
  out_text(wasm_rt_strerror(trap));
  out_end_line();
  _Exit(5);
}

static int32_t register_service(int32_t index) {
  char name[16];
  int length = snprintf(name, sizeof name, "svc-%02d", (int)index);
  return myco_service_register(name, (uint32_t)length, 1, 1);
}

static int32_t register_chain(void) {
  for (int32_t i = 0; i < SERVICES; i++) {
    int32_t id = register_service(i);
    if (id < 0) return id;
    if (i > 0) {
      int32_t status = myco_dependency_add(id, id - 1, 1);
      if (status < 0) return status;
    }
  }
  return MYCO_OK;
}

/* Starts everything and answers every spawn until nothing is pending. */
static int32_t bring_up(void) {
  int32_t status = myco_start_all();
  for (int round = 0; status >= 0 && round < SERVICES * 4; round++) {
    int32_t count = myco_actions_drain();
    if (count <= 0) return count;
    myco_action_t actions[128];
    if (count > 128) return -1;
    for (int32_t i = 0; i < count; i++) actions[i] = myco_action_at((uint32_t)i);
    for (int32_t i = 0; i < count && status >= 0; i++) {
      if (actions[i].kind == ACTION_SPAWN) status = myco_instance_started(actions[i].instance);
    }
  }
  return status;
}

static int32_t setup_pool(void) {
  static const char name[] = "pool";
  pool = myco_service_register(name, sizeof name - 1, 1, POOL_INSTANCES);
  if (pool < 0) return pool;
  int32_t status = bring_up();
  for (int32_t k = 0; weighted && k < POOL_INSTANCES && status >= 0; k++) {
    int32_t handle = myco_service_instance(pool, k);
    status = handle < 0 ? handle : myco_balance_set_weight(handle, 1 + k % 5);
  }
  const int32_t balance[6] = {strategy, -1, -1, -1, -1, -1}; /* the BALANCE record: the strategy, default options */
  if (status >= 0) status = myco_record_apply(pool, 1, (const uint8_t*)balance, sizeof balance);
  /* One pick first: tables a strategy builds lazily (a consistent-hash ring) are built here, not measured. */
  return status < 0 ? status : myco_balance_pick_key(pool, 0);
}

/* One running instance with its breaker and outlier detection on, holding one permit (a pick). */
static int32_t setup_breaker(void) {
  static const char name[] = "api";
  pool = myco_service_register(name, sizeof name - 1, 1, 1);
  if (pool < 0) return pool;
  int32_t status = bring_up();
  const int32_t breaker[10] = {1, 20, 10, 50, 5, -1, -1, -1, -1, -1}; /* BREAKER: on, window 20, 10, 50 %, 5 */
  const int32_t outlier[5] = {1, -1, -1, -1, -1};                    /* OUTLIER: on, defaults */
  if (status >= 0) status = myco_record_apply(pool, 2, (const uint8_t*)breaker, sizeof breaker);
  if (status >= 0) status = myco_record_apply(pool, 3, (const uint8_t*)outlier, sizeof outlier);
  if (status < 0) return status;
  pool = myco_balance_pick(pool); /* the instance's handle; the pick holds its permit */
  return pool < 0 ? pool : MYCO_OK;
}

static int32_t setup(void) {
  if (strcmp(operation, "pick") == 0) return setup_pool();
  if (strcmp(operation, "breaker-pass") == 0) return setup_breaker();
  if (strcmp(operation, "start-all") == 0) return register_chain();
  if (strcmp(operation, "tick-idle") == 0) {
    int32_t status = register_chain();
    return status < 0 ? status : bring_up();
  }
  return MYCO_OK;
}

/* Everything callgrind counts happens in here. */
__attribute__((noinline)) int32_t bench_measure(void);
__attribute__((noinline)) int32_t bench_measure(void) {
  int32_t status = MYCO_OK;
  if (strcmp(operation, "noop") == 0) {
    for (int i = 0; i < REPEAT_MANY && status >= 0; i++) status = myco_noop();
  } else if (strcmp(operation, "register") == 0) {
    for (int32_t i = 0; i < SERVICES && status >= 0; i++) status = register_service(i);
  } else if (strcmp(operation, "start-all") == 0) {
    status = myco_start_all();
  } else if (strcmp(operation, "tick-idle") == 0) {
    for (int i = 0; i < REPEAT_MANY && status >= 0; i++) status = myco_tick();
  } else if (strcmp(operation, "pick") == 0) {
    for (uint32_t i = 0; i < REPEAT_MANY && status >= 0; i++) status = myco_balance_pick_key(pool, i * 2654435761u);
  } else if (strcmp(operation, "breaker-pass") == 0) {
    int32_t admitted = 1;
    for (int i = 0; i < REPEAT_MANY && admitted == 1; i++) admitted = myco_breaker_pass(pool, 1.0, 1);
    status = admitted == 1 ? MYCO_OK : (admitted < 0 ? admitted : -1);
  } else {
    status = -1;
  }
  return status;
}

int main(int argc, char** argv) {
  bool pick = (argc == 3 || argc == 4) && strcmp(argv[1], "pick") == 0;
  weighted = pick && argc == 4 && strcmp(argv[3], "weighted") == 0;
  if ((argc != 2 && !pick) || (pick && argc == 4 && !weighted)) {
    out_text("usage: myco-bench noop|register|start-all|tick-idle|breaker-pass|pick <strategy> [weighted]");
    out_end_line();
    return 2;
  }
  operation = argv[1];
  if (pick) strategy = (int32_t)strtol(argv[2], NULL, 10);
  hal_virtual_init(&clock_state, &hal, 1);
  int32_t status = myco_init(&hal);
  if (status >= 0) status = setup();
  if (pick && status == MYCO_E_INVALID_STRATEGY) return EXIT_NO_SUCH_STRATEGY;
  if (status >= 0) status = bench_measure();
  if (status < 0) {
    out_text("bench: ");
    out_text(operation);
    out_text(" failed: ");
    out_int(status);
    out_end_line();
    return 1;
  }
  myco_shutdown();
  return 0;
}
