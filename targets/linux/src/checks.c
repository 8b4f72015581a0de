#define _GNU_SOURCE
#include "checks.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"
#include "procs.h"

#define CHECK_TIMEOUT_FIELD 3
#define CHECK_RECORD_FIELDS 7

typedef struct {
  bool used;
  uint8_t kind;
  int32_t check;
  int32_t handle;
  int fd;
  pid_t pid;
  uint64_t started_ms;
  uint64_t deadline_ms;
  bool sent; /* http: the request is written, the status line awaited */
  const char* service;
  int32_t ordinal;
  char request[512];
} pending_t;

static pending_t pending[CHECKS_PENDING_MAX];
static int epoll_fd = -1;

void checks_init(int fd) {
  epoll_fd = fd;
}

static const char* const KINDS[] = {"http", "tcp", "process", "file", "command", "custom"};
static const char* const OUTCOMES[] = {"success", "failure", "timeout"};

static void report(const pending_t* p, int32_t outcome) {
  int32_t check = p->check;
  printf("check %s#%d %s %s\n", p->service, p->ordinal, p->kind < 6 ? KINDS[p->kind] : "?", OUTCOMES[outcome]);
  int32_t status = myco_check_report(check, p->handle, outcome, (int32_t)(host_now_ms() - p->started_ms));
  if (status < 0 && status != MYCO_E_STALE_INSTANCE && status != MYCO_E_UNKNOWN_CHECK) {
    host_log(status, "check %d report: %s", check, host_kernel_detail(status));
  }
}

static void finish(uint32_t slot, int32_t outcome) {
  pending_t* p = &pending[slot];
  if (p->fd >= 0) close(p->fd); /* close also leaves the epoll set */
  if (p->pid > 0) kill(-p->pid, SIGKILL); /* a command past its timeout; reaped through SIGCHLD */
  p->used = false;
  report(p, outcome);
}

/* The runner's timeout: the kernel's check timeout less a margin, so the kernel hears "timeout" from the runner. */
static uint64_t runner_timeout_ms(int32_t check) {
  int32_t timeout = 1000;
  if (myco_check_record(check) >= 0) {
    int32_t record[CHECK_RECORD_FIELDS];
    memcpy(record, myco_io(), sizeof record);
    timeout = record[CHECK_TIMEOUT_FIELD];
  }
  int32_t margin = timeout / 5 < 50 ? timeout / 5 : 50;
  return (uint64_t)(timeout - margin > 1 ? timeout - margin : 1);
}

/* A non-blocking connect to host:port registered with epoll; false when it failed at once. */
static bool connect_to(pending_t* p, uint32_t slot, const char* host, const char* port) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo* found = NULL;
  if (getaddrinfo(host, port, &hints, &found) != 0 || found == NULL) return false;
  p->fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = p->fd >= 0 && (connect(p->fd, found->ai_addr, found->ai_addrlen) == 0 || errno == EINPROGRESS);
  freeaddrinfo(found);
  struct epoll_event event = {.events = EPOLLOUT, .data.u64 = CHECKS_EPOLL_TAG | slot};
  return ok && epoll_ctl(epoll_fd, EPOLL_CTL_ADD, p->fd, &event) == 0;
}

/* http://host[:port][/path] into its parts; false when it is not such a URL. */
static bool split_url(const char* url, char* host, size_t host_size, char* port, size_t port_size, const char** path) {
  if (strncmp(url, "http://", 7) != 0) return false;
  const char* at = url + 7;
  size_t n = strcspn(at, ":/");
  if (n == 0 || n >= host_size) return false;
  memcpy(host, at, n);
  host[n] = '\0';
  at += n;
  snprintf(port, port_size, "80");
  if (*at == ':') {
    size_t digits = strcspn(++at, "/");
    if (digits == 0 || digits >= port_size) return false;
    memcpy(port, at, digits);
    port[digits] = '\0';
    at += digits;
  }
  *path = *at == '/' ? at : "/";
  return true;
}

/* Starts the check in `slot`; returns an outcome when it is already decided, or -1 while it runs. */
static int32_t begin(pending_t* p, uint32_t slot, char** target, const char* service, int32_t ordinal) {
  switch (p->kind) {
    case CHECK_PROCESS: {
      pid_t pid = procs_pid(p->handle);
      return pid > 0 && kill(pid, 0) == 0 ? OUTCOME_SUCCESS : OUTCOME_FAILURE;
    }
    case CHECK_TCP:
      if (target[0] == NULL || target[1] == NULL) return OUTCOME_FAILURE;
      return connect_to(p, slot, target[0], target[1]) ? -1 : OUTCOME_FAILURE;
    case CHECK_HTTP: {
      char host[256], port[8];
      const char* path;
      if (target[0] == NULL || !split_url(target[0], host, sizeof host, port, sizeof port, &path)) return OUTCOME_FAILURE;
      int n = snprintf(p->request, sizeof p->request, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
      if (n < 0 || (size_t)n >= sizeof p->request) return OUTCOME_FAILURE;
      return connect_to(p, slot, host, port) ? -1 : OUTCOME_FAILURE;
    }
    case CHECK_COMMAND: {
      if (target[0] == NULL || target[1] == NULL) return OUTCOME_FAILURE;
      char* none[] = {NULL};
      if (procs_exec(&target[1], target[0], none, true, service, ordinal, &p->pid) < 0) return OUTCOME_FAILURE;
      proc_t process = {.pid = p->pid, .handle = p->handle, .service = -1, .ordinal = ordinal, .check_slot = (int32_t)slot};
      return procs_add(process) < 0 ? OUTCOME_FAILURE : -1;
    }
    default:
      return OUTCOME_FAILURE;
  }
}

void checks_start(int32_t check, int32_t handle, const run_spec_t* spec, int32_t ordinal) {
  uint32_t slot = 0;
  while (slot < CHECKS_PENDING_MAX && pending[slot].used) slot++;
  uint64_t now = host_now_ms();
  pending_t run = {.used = true, .kind = spec->check_kind, .check = check, .handle = handle, .fd = -1, .started_ms = now,
                   .service = spec->name, .ordinal = ordinal};
  if (slot == CHECKS_PENDING_MAX || ordinal < 0 || (uint32_t)ordinal >= spec->ordinals) {
    report(&run, OUTCOME_FAILURE); /* more checks out than slots, or an instance of an earlier layout */
    return;
  }
  pending_t* p = &pending[slot];
  *p = run;
  p->deadline_ms = now + runner_timeout_ms(check);
  int32_t outcome = begin(p, slot, spec->targets[ordinal], spec->name, ordinal);
  if (outcome >= 0) finish(slot, outcome);
}

void checks_on_socket(uint32_t slot, uint32_t events) {
  if (slot >= CHECKS_PENDING_MAX || !pending[slot].used) return;
  pending_t* p = &pending[slot];
  int error = 0;
  socklen_t size = sizeof error;
  if (!p->sent && (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0 || (events & EPOLLERR))) {
    finish(slot, OUTCOME_FAILURE);
    return;
  }
  if (p->kind == CHECK_TCP) {
    finish(slot, OUTCOME_SUCCESS);
    return;
  }
  if (!p->sent) { /* connected: one small write, then wait for the status line */
    size_t length = strlen(p->request);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = CHECKS_EPOLL_TAG | slot};
    if (send(p->fd, p->request, length, MSG_NOSIGNAL) != (ssize_t)length || epoll_ctl(epoll_fd, EPOLL_CTL_MOD, p->fd, &event) != 0) {
      finish(slot, OUTCOME_FAILURE);
      return;
    }
    p->sent = true;
    return;
  }
  char line[16] = {0};
  ssize_t got = recv(p->fd, line, sizeof line - 1, MSG_PEEK);
  if (got < 12 && got > 0 && !(events & (EPOLLHUP | EPOLLRDHUP))) return; /* the status line is not whole yet */
  bool ok = got >= 12 && strncmp(line, "HTTP/1.", 7) == 0 && (line[9] == '2' || line[9] == '3');
  finish(slot, ok ? OUTCOME_SUCCESS : OUTCOME_FAILURE);
}

void checks_on_exit(int32_t slot, pid_t pid, int status) {
  /* a command that timed out was killed and its slot may serve another check by now */
  if (slot < 0 || slot >= CHECKS_PENDING_MAX || !pending[slot].used || pending[slot].pid != pid) return;
  pending[slot].pid = 0;
  finish((uint32_t)slot, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? OUTCOME_SUCCESS : OUTCOME_FAILURE);
}

uint64_t checks_expire(uint64_t now_ms) {
  uint64_t next = UINT64_MAX;
  for (uint32_t slot = 0; slot < CHECKS_PENDING_MAX; slot++) {
    if (!pending[slot].used) continue;
    if (pending[slot].deadline_ms <= now_ms) finish(slot, OUTCOME_TIMEOUT);
    else if (pending[slot].deadline_ms < next) next = pending[slot].deadline_ms;
  }
  return next;
}
