#define _GNU_SOURCE
#include "procs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "host.h"

extern char** environ;

static proc_t procs[PROCS_MAX];

/* The child's environment: who it is and the spec's variables first (getenv takes the first
 * match, so they win), then the host's unless inherit-env is false. */
static char** child_env(char* const* env, bool inherit_env, const char* service, int32_t ordinal) {
  size_t inherited = 0, own = 0;
  while (inherit_env && environ[inherited] != NULL) inherited++;
  while (env[own] != NULL) own++;
  char** out = calloc(inherited + own + 3, sizeof *out);
  if (out == NULL || asprintf(&out[0], "MYCO_SERVICE=%s", service) < 0 || asprintf(&out[1], "MYCO_INSTANCE=%d", ordinal) < 0) return NULL;
  size_t n = 2;
  for (size_t i = 0; i < own; i++) out[n++] = env[i];
  for (size_t i = 0; i < inherited; i++) out[n++] = environ[i];
  return out;
}

static void free_env(char** env) {
  free(env[0]);
  free(env[1]);
  free(env);
}

/* In the child: never returns. Reports errno on `report` (close-on-exec) when exec fails. */
static void child(char* const* argv, const char* cwd, char** env, pid_t parent, int report) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL); /* the host blocks its signals for the signalfd */
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127); /* the host died before the prctl */
  int error = 0;
  if (cwd[0] != '\0' && chdir(cwd) != 0) error = errno;
  if (error == 0) {
    execvpe(argv[0], argv, env);
    error = errno;
  }
  ssize_t written = write(report, &error, sizeof error);
  (void)written;
  _exit(127);
}

int32_t procs_exec(char* const* argv, const char* cwd, char* const* env, bool inherit_env, const char* service, int32_t ordinal, pid_t* pid) {
  char** envp = child_env(env, inherit_env, service, ordinal);
  int pipe_fds[2];
  if (envp == NULL || pipe2(pipe_fds, O_CLOEXEC) != 0) return host_log(MYCO_E_SPAWN, "%s#%d: cannot prepare the spawn: %s", service, ordinal, strerror(errno));
  pid_t parent = getpid();
  pid_t child_pid = fork();
  if (child_pid == 0) child(argv, cwd, envp, parent, pipe_fds[1]);
  close(pipe_fds[1]);
  free_env(envp);
  if (child_pid < 0) {
    close(pipe_fds[0]);
    return host_log(MYCO_E_SPAWN, "%s#%d: fork failed: %s", service, ordinal, strerror(errno));
  }
  setpgid(child_pid, child_pid); /* both sides set it: no window where a signal to the group misses */
  int error = 0;
  ssize_t got;
  do got = read(pipe_fds[0], &error, sizeof error);
  while (got < 0 && errno == EINTR);
  close(pipe_fds[0]);
  *pid = child_pid;
  if (got == (ssize_t)sizeof error) {
    return host_log(MYCO_E_SPAWN, "%s#%d: cannot run '%s'%s%s: %s", service, ordinal, argv[0], cwd[0] ? " in " : "", cwd, strerror(error));
  }
  return MYCO_OK;
}

int32_t procs_add(proc_t process) {
  for (int i = 0; i < PROCS_MAX; i++) {
    if (procs[i].pid != 0) continue;
    procs[i] = process;
    return MYCO_OK;
  }
  kill(-process.pid, SIGKILL);
  return host_log(MYCO_E_SPAWN, "more than %d processes at once; pid %d killed", PROCS_MAX, (int)process.pid);
}

static proc_t* find_handle(int32_t handle) {
  for (int i = 0; i < PROCS_MAX; i++) {
    if (procs[i].pid != 0 && procs[i].check_slot < 0 && procs[i].handle == handle) return &procs[i];
  }
  return NULL;
}

bool procs_signal(int32_t handle, int signal) {
  proc_t* p = find_handle(handle);
  return p != NULL && kill(-p->pid, signal) == 0;
}

pid_t procs_pid(int32_t handle) {
  proc_t* p = find_handle(handle);
  return p != NULL ? p->pid : 0;
}

bool procs_take(pid_t pid, proc_t* taken) {
  for (int i = 0; i < PROCS_MAX; i++) {
    if (procs[i].pid != pid) continue;
    *taken = procs[i];
    procs[i].pid = 0;
    return true;
  }
  return false;
}

uint32_t procs_alive(void) {
  uint32_t n = 0;
  for (int i = 0; i < PROCS_MAX; i++) n += procs[i].pid != 0 && procs[i].check_slot < 0;
  return n;
}

void procs_kill_all(void) {
  for (int i = 0; i < PROCS_MAX; i++) {
    if (procs[i].pid != 0) kill(-procs[i].pid, SIGKILL);
  }
}
