/*
 * A service's RUN section (blob tag 0x8B, written by `myco compile` from the manifest's `run:`;
 * layout in host/supervisor/run-section.ts): argv, env, cwd and what its check runs per instance.
 */
#ifndef RUN_SPEC_H
#define RUN_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define RUN_TAG 0x8B
#define RUN_SECTION_VERSION 1
#define RUN_NO_CHECK 0xff
/* `needs` bits (run-section.ts RUN_NEEDS): features this host does not execute. */
#define RUN_NEEDS_READY 1u
#define RUN_NEEDS_LISTENING 2u
#define RUN_NEEDS_CONFINEMENT 4u
#define RUN_NEEDS_GATEWAY 8u
#define RUN_NEEDS_SECRET_ENV 16u
#define RUN_NEEDS_FILE_CHECK 32u
#define RUN_NEEDS_RESOURCES 64u

typedef struct {
  char* name;          /* the service's name in the blob */
  bool present;        /* the service has a RUN section */
  uint32_t needs;
  bool inherit_env;
  char* cwd;
  char** argv;         /* NULL-terminated */
  char** env;          /* NULL-terminated "K=V" */
  uint8_t check_kind;  /* CHECK_* or RUN_NO_CHECK */
  bool check_from_run; /* the host adds the kernel check (run.check); else the manifest's health made it */
  uint32_t ordinals;
  char*** targets;     /* per ordinal, NULL-terminated (tcp: host, port; http: url; command: cwd, argv...) */
} run_spec_t;

/* Reads every service record and RUN section of the blob (services in blob order, up to `max`). */
int32_t run_specs_read(const uint8_t* blob, size_t length, run_spec_t* specs, uint32_t max, uint32_t* count);

/* Checks one spec against this machine: a RUN section, a command found and executable, a directory, env names. */
int32_t run_spec_validate(const run_spec_t* spec);

#endif
