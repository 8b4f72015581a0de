/*
 * myco-linux: the kernel supervising real processes on Linux, top to bottom.
 *
 *   myco-linux run services.myco     load the blob (myco compile), refuse what this host cannot
 *                                    execute, start everything, supervise until SIGINT/SIGTERM
 *   myco-linux check services.myco   the same checks, then exit 0 without starting anything
 *
 * Output (stdout, one line each; read by test/targets/linux-host.test.ts):
 *   loaded <n> services from <file>
 *   spawn|stop|kill <service>#<ordinal> pid <pid>
 *   exit <service>#<ordinal> pid <pid> status <code, or -signal>
 *   shutdown: ...
 * Errors go to stderr as "myco-linux: ..." naming the service and field; the exit status is 1
 * (2 for a usage error).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "blob.h"
#include "host.h"
#include "loop.h"
#include "run_spec.h"
#include "wasm-rt-static.h"

#define SERVICES_IN_BLOB_MAX 4096
#define CHECK_RECORD_FIELDS 7

static run_spec_t specs[SERVICES_IN_BLOB_MAX];
static run_spec_t* by_id[SERVICES_IN_BLOB_MAX];

/* ---- the HAL: the monotonic clock, the OS's randomness, a real sleep ---- */

static uint64_t hal_now_ms(void* context) {
  (void)context;
  return host_now_ms();
}

static uint32_t hal_random_u32(void* context) {
  (void)context;
  uint32_t value = 0;
  if (getrandom(&value, sizeof value, 0) != (ssize_t)sizeof value) value = (uint32_t)host_now_ms();
  return value;
}

/* The loop never calls the kernel's run(); a sleep it asks for is a plain one. */
static uint32_t hal_sleep_ms(void* context, uint32_t ms) {
  (void)context;
  struct timespec span = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  nanosleep(&span, NULL);
  return 0;
}

static const myco_hal_t hal = {hal_now_ms, hal_random_u32, hal_sleep_ms, NULL};

void myco_rt_fatal(wasm_rt_trap_t trap) {
  host_log(MYCO_E_TRAPPED, "kernel trap outside a guarded call: %s", wasm_rt_strerror(trap));
  exit(5);
}

/* A run.check: the kernel check it needs (liveness, every timing the kernel's default), as the Node host adds it. */
static int32_t add_host_check(int32_t service, const run_spec_t* spec) {
  int32_t record[CHECK_RECORD_FIELDS] = {spec->check_kind, 0, -1, -1, -1, -1, -1};
  int32_t status = myco_check_add(service, (const uint8_t*)record, sizeof record);
  return status < 0 ? host_log(status, "service '%s': run.check: %s", spec->name, host_kernel_detail(status)) : MYCO_OK;
}

/* Every service of the blob: its run spec valid here, nothing asked that this host cannot execute. */
static int32_t prepare(uint32_t count) {
  for (uint32_t i = 0; i < count; i++) {
    run_spec_t* spec = &specs[i];
    int32_t id = myco_service_lookup(spec->name, (uint32_t)strlen(spec->name));
    if (id < 0 || id >= SERVICES_IN_BLOB_MAX) return host_log(MYCO_E_RUN_SPEC, "service '%s': not found in the kernel after the load", spec->name);
    int32_t status = run_spec_validate(spec);
    if (status >= 0) status = blob_refuse_unsupported(spec, id);
    if (status >= 0 && spec->check_from_run && spec->check_kind != RUN_NO_CHECK) status = add_host_check(id, spec);
    if (status < 0) return status;
    by_id[id] = spec;
  }
  return MYCO_OK;
}

static int usage(void) {
  fputs("usage: myco-linux run|check <services.myco>   (a blob from `myco compile`)\n", stderr);
  return 2;
}

int main(int argc, char** argv) {
  if (argc != 3 || (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "check") != 0)) return usage();
  setvbuf(stdout, NULL, _IOLBF, 0);
  host_clock_start();
  uint8_t* blob = NULL;
  size_t length = 0;
  uint32_t count = 0;
  int32_t status = blob_read(argv[2], &blob, &length);
  if (status >= 0 && (status = myco_init(&hal)) < 0) host_log(status, "kernel init failed");
  /* the kernel's root rule: it refuses a user service that would run as root unless allowed */
  if (status >= 0 && (status = myco_security_host_identity(geteuid() == 0 ? 1 : 0)) < 0) host_log(status, "%s", host_kernel_detail(status));
  if (status >= 0) status = blob_load(blob, length);
  if (status >= 0) status = run_specs_read(blob, length, specs, SERVICES_IN_BLOB_MAX, &count);
  if (status >= 0) status = prepare(count);
  free(blob);
  if (status < 0) return 1;
  printf("loaded %u services from %s\n", count, argv[2]);
  if (strcmp(argv[1], "check") == 0) return 0;
  return loop_run(by_id, SERVICES_IN_BLOB_MAX);
}
