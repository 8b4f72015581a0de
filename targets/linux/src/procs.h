/*
 * The instances' processes: each spawn is a fork + exec in a process group of its own, with
 * PR_SET_PDEATHSIG (SIGKILL) so it dies with the host; stop and kill signal the whole group.
 * Fixed table: PROCS_MAX live processes (instances and command checks), linear search.
 */
#ifndef PROCS_H
#define PROCS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "run_spec.h"

#define PROCS_MAX 1024

/* The child gets argv, cwd and env of `spec` (+ MYCO_SERVICE, MYCO_INSTANCE); exec failures come back as an error. */
int32_t procs_exec(char* const* argv, const char* cwd, char* const* env, bool inherit_env, const char* service, int32_t ordinal, pid_t* pid);

typedef struct {
  pid_t pid; /* 0: a free entry */
  int32_t handle;
  int32_t service;
  int32_t ordinal;
  int32_t check_slot; /* >= 0: a command check's process, not the instance's */
} proc_t;

/* Records a live process (the instance's, or a check's when `check_slot` >= 0). */
int32_t procs_add(proc_t process);

/* Signals the process group of instance `handle`; false when it has no live process. */
bool procs_signal(int32_t handle, int signal);
pid_t procs_pid(int32_t handle);

/* A reaped pid's entry, removed from the table. False when the pid is not one of ours. */
bool procs_take(pid_t pid, proc_t* taken);

/* Live instance processes (checks excluded). */
uint32_t procs_alive(void);

/* SIGKILL to every group left (the host is leaving). */
void procs_kill_all(void);

#endif
