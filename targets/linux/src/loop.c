#define _GNU_SOURCE
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks.h"
#include "host.h"
#include "procs.h"

#define ROUNDS_PER_PUMP_MAX 64
#define ACTIONS_BATCH_MAX 512
#define EPOLL_BATCH 32
#define SIGNAL_TAG 0

static run_spec_t* const* specs;
static uint32_t spec_count;
static bool shutting_down;

static const char* name_of(int32_t service) {
  return service >= 0 && (uint32_t)service < spec_count && specs[service] != NULL ? specs[service]->name : "?";
}

static int32_t ordinal_of(int32_t service, int32_t handle) {
  int32_t instances = myco_service_instances(service);
  for (int32_t k = 0; k < instances; k++) {
    if (myco_service_instance(service, k) == handle) return k;
  }
  return -1;
}

/* A report about an earlier run of an instance (killed and respawned meanwhile) is moot. */
static void reported(const char* what, int32_t status) {
  if (status < 0 && status != MYCO_E_STALE_INSTANCE) host_log(status, "%s: %s", what, host_kernel_detail(status));
}

static void spawn(int32_t service, int32_t handle) {
  const run_spec_t* spec = specs[service];
  int32_t ordinal = ordinal_of(service, handle);
  pid_t pid = 0;
  if (myco_instance_state(handle) < 0 || ordinal < 0) return; /* that run is already over */
  if (procs_exec(spec->argv, spec->cwd, spec->env, spec->inherit_env, spec->name, ordinal, &pid) < 0) {
    reported("instanceExited", myco_instance_exited(handle, 127)); /* the exec failed: a failed start, as a shell reports it */
    return;
  }
  proc_t process = {.pid = pid, .handle = handle, .service = service, .ordinal = ordinal, .check_slot = -1};
  if (procs_add(process) < 0) return;
  printf("spawn %s#%d pid %d\n", spec->name, ordinal, (int)pid);
  reported("instanceStarted", myco_instance_started(handle));
}

static void signal_instance(int32_t service, int32_t handle, int signal, const char* verb) {
  pid_t pid = procs_pid(handle);
  if (pid == 0) return; /* it has exited already; its exit is (or was) reported */
  printf("%s %s#%d pid %d\n", verb, name_of(service), ordinal_of(service, handle), (int)pid);
  procs_signal(handle, signal);
}

static void execute(myco_action_t action) {
  bool known = action.service >= 0 && (uint32_t)action.service < spec_count && specs[action.service] != NULL;
  switch (known ? action.kind : 0) {
    case ACTION_SPAWN: return spawn(action.service, action.instance);
    case ACTION_STOP: return signal_instance(action.service, action.instance, SIGTERM, "stop");
    case ACTION_KILL: return signal_instance(action.service, action.instance, SIGKILL, "kill");
    case ACTION_RUN_CHECK:
      return checks_start(action.arg, action.instance, specs[action.service], ordinal_of(action.service, action.instance));
    default:
      /* refused at load (blob.c); if the kernel emits one anyway, say so: never dropped silently */
      host_log(MYCO_E_UNSUPPORTED, "service '%s': action kind %d is not executed by this host", name_of(action.service), action.kind);
  }
}

/* Ticks and executes until the kernel has nothing more to hand out. */
static int32_t pump(void) {
  static myco_action_t batch[ACTIONS_BATCH_MAX];
  for (int round = 0; round < ROUNDS_PER_PUMP_MAX; round++) {
    int32_t status = myco_tick();
    if (status < 0) return host_log(status, "tick: %s", host_kernel_detail(status));
    int32_t count = myco_actions_drain();
    if (count < 0) return host_log(count, "actionsDrain: %s", host_kernel_detail(count));
    if (count == 0) break;
    if (count > ACTIONS_BATCH_MAX) count = ACTIONS_BATCH_MAX; /* the buffer holds fewer; kept for safety */
    for (int32_t i = 0; i < count; i++) batch[i] = myco_action_at((uint32_t)i); /* executing calls the kernel: copy first */
    for (int32_t i = 0; i < count; i++) execute(batch[i]);
  }
  return MYCO_OK;
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    proc_t process;
    if (!procs_take(pid, &process)) continue; /* a failed exec's child: reported at the spawn */
    if (process.check_slot >= 0) {
      checks_on_exit(process.check_slot, pid, status);
      continue;
    }
    int32_t code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    printf("exit %s#%d pid %d status %d\n", name_of(process.service), process.ordinal, (int)pid, code);
    reported("instanceExited", myco_instance_exited(process.handle, code));
  }
}

static bool at_rest(void) {
  if (procs_alive() > 0) return false;
  for (uint32_t id = 0; id < spec_count; id++) {
    if (specs[id] == NULL) continue;
    int32_t state = myco_service_state((int32_t)id);
    if (state != STATE_STOPPED && state != STATE_FAILED && state != STATE_DISABLED) return false;
  }
  return true;
}

/* Returns -1 to go on, or the exit status. */
static int on_signal(int signal_fd) {
  struct signalfd_siginfo info;
  while (read(signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
    if (info.ssi_signo == SIGCHLD) continue;
    if (shutting_down) {
      host_log(0, "second signal: killing every process group");
      procs_kill_all();
      return 1;
    }
    shutting_down = true;
    printf("shutdown: stopping services in reverse dependency order\n");
    int32_t status = myco_stop_all();
    if (status < 0) host_log(status, "stopAll: %s", host_kernel_detail(status));
  }
  reap(); /* SIGCHLD coalesces: reap whatever has exited */
  return -1;
}

/* Milliseconds until the earlier of the kernel's deadline and the checks' (-1: none). */
static int wait_ms(uint64_t check_deadline) {
  int64_t deadline = INT64_MAX;
  if (myco_next_deadline(&deadline) < 0) deadline = INT64_MAX;
  uint64_t now = host_now_ms();
  uint64_t kernel_at = deadline == INT64_MAX ? UINT64_MAX : (uint64_t)deadline + 1; /* +1: whole ms, never wake a hair early */
  uint64_t at = kernel_at < check_deadline ? kernel_at : check_deadline;
  if (at == UINT64_MAX) return -1;
  if (at <= now) return 0;
  return at - now > 0x7fffffff ? 0x7fffffff : (int)(at - now);
}

static int setup(int* epoll_fd, int* signal_fd) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) return host_log(MYCO_E_SYSTEM, "sigprocmask: %s", strerror(errno));
  *signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  *epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event event = {.events = EPOLLIN, .data.u64 = SIGNAL_TAG};
  if (*signal_fd < 0 || *epoll_fd < 0 || epoll_ctl(*epoll_fd, EPOLL_CTL_ADD, *signal_fd, &event) != 0) {
    return host_log(MYCO_E_SYSTEM, "signalfd/epoll: %s", strerror(errno));
  }
  checks_init(*epoll_fd);
  return MYCO_OK;
}

int loop_run(run_spec_t* const* by_service, uint32_t count) {
  specs = by_service;
  spec_count = count;
  int epoll_fd = -1, signal_fd = -1;
  if (setup(&epoll_fd, &signal_fd) < 0) return 1;
  int32_t status = myco_start_all();
  if (status < 0) return host_log(status, "startAll: %s", host_kernel_detail(status)), 1;
  for (;;) {
    if (pump() < 0) {
      procs_kill_all();
      return 1;
    }
    if (shutting_down && at_rest()) break;
    uint64_t check_deadline = checks_expire(host_now_ms());
    struct epoll_event events[EPOLL_BATCH];
    int n = epoll_wait(epoll_fd, events, EPOLL_BATCH, wait_ms(check_deadline));
    if (n < 0 && errno != EINTR) return host_log(MYCO_E_SYSTEM, "epoll_wait: %s", strerror(errno)), procs_kill_all(), 1;
    for (int i = 0; i < n; i++) {
      if (events[i].data.u64 != SIGNAL_TAG) {
        checks_on_socket((uint32_t)(events[i].data.u64 & 0xffffffffu), events[i].events);
        continue;
      }
      int exit_status = on_signal(signal_fd);
      if (exit_status >= 0) return exit_status;
    }
  }
  printf("shutdown: every service stopped\n");
  return 0;
}
