#define _GNU_SOURCE
#include "run_spec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

#define TAG_SERVICE 0x01
#define HEADER_BYTES_AT 6
#define TOTAL_AT 8
#define RECORD_HEADER_BYTES 3

typedef struct {
  const uint8_t* at;
  const uint8_t* end;
  bool bad;
} cursor_t;

static uint32_t take(cursor_t* c, size_t n) {
  if (c->bad || (size_t)(c->end - c->at) < n) {
    c->bad = true;
    return 0;
  }
  uint32_t value = 0;
  for (size_t i = 0; i < n; i++) value |= (uint32_t)c->at[i] << (8 * i);
  c->at += n;
  return value;
}

static char* text(cursor_t* c) {
  uint32_t n = take(c, 2);
  if (c->bad || (size_t)(c->end - c->at) < n) {
    c->bad = true;
    return NULL;
  }
  char* s = strndup((const char*)c->at, n);
  c->at += n;
  return s;
}

/* u8 count, then that many strings: a NULL-terminated array. */
static char** list(cursor_t* c) {
  uint32_t n = take(c, 1);
  char** items = calloc(n + 1, sizeof *items);
  for (uint32_t i = 0; i < n && !c->bad; i++) items[i] = text(c);
  return items;
}

static int32_t read_run(cursor_t* c, run_spec_t* spec) {
  if (take(c, 1) != RUN_SECTION_VERSION) return host_log(MYCO_E_RUN_SPEC, "service '%s': RUN section of an unknown version (recompile with this myco)", spec->name);
  spec->needs = take(c, 4);
  spec->inherit_env = take(c, 1) != 0;
  spec->cwd = text(c);
  spec->argv = list(c);
  spec->env = list(c);
  spec->check_kind = (uint8_t)take(c, 1);
  spec->check_from_run = take(c, 1) != 0;
  spec->ordinals = take(c, 1);
  spec->targets = calloc(spec->ordinals + 1, sizeof *spec->targets);
  for (uint32_t k = 0; k < spec->ordinals && !c->bad; k++) spec->targets[k] = list(c);
  if (c->bad || c->at != c->end) return host_log(MYCO_E_RUN_SPEC, "service '%s': RUN section is truncated or malformed", spec->name);
  spec->present = true;
  return MYCO_OK;
}

int32_t run_specs_read(const uint8_t* blob, size_t length, run_spec_t* specs, uint32_t max, uint32_t* count) {
  cursor_t header = {blob, blob + length, false};
  header.at += HEADER_BYTES_AT;
  uint32_t header_bytes = take(&header, 2);
  uint32_t total = take(&header, 4);
  if (header.bad || total > length || header_bytes > total) return host_log(MYCO_E_BLOB_FILE, "the blob's header is damaged");
  cursor_t c = {blob + header_bytes, blob + total, false};
  int32_t current = -1;
  while (c.at < c.end) {
    uint32_t tag = take(&c, 1);
    uint32_t size = take(&c, 2);
    if (c.bad || (size_t)(c.end - c.at) < size) return host_log(MYCO_E_BLOB_FILE, "a blob record at offset %ld ends early", (long)(c.at - blob));
    cursor_t payload = {c.at, c.at + size, false};
    c.at += size;
    if (tag == TAG_SERVICE) {
      if ((uint32_t)++current >= max) return host_log(MYCO_E_BLOB_FILE, "the blob has more than %u services", max);
      memset(&specs[current], 0, sizeof specs[current]);
      specs[current].check_kind = RUN_NO_CHECK;
      take(&payload, 1);
      specs[current].name = strndup((const char*)payload.at, (size_t)(payload.end - payload.at));
    } else if (tag == RUN_TAG && current >= 0) {
      int32_t status = read_run(&payload, &specs[current]);
      if (status < 0) return status;
    }
  }
  *count = (uint32_t)(current + 1);
  return MYCO_OK;
}

/* PATH lookup as execvp does it: true when `command` names an executable file. */
static bool found_on_path(const char* command) {
  if (strchr(command, '/') != NULL) return access(command, X_OK) == 0;
  const char* path = getenv("PATH");
  if (path == NULL) path = "/usr/local/bin:/usr/bin:/bin";
  char candidate[4096];
  for (const char* at = path; *at != '\0';) {
    size_t n = strcspn(at, ":");
    if (n > 0 && n + strlen(command) + 2 <= sizeof candidate) {
      memcpy(candidate, at, n);
      candidate[n] = '/';
      strcpy(candidate + n + 1, command);
      struct stat st;
      if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) return true;
    }
    at += n + (at[n] == ':');
  }
  return false;
}

int32_t run_spec_validate(const run_spec_t* spec) {
  const char* name = spec->name;
  if (!spec->present) return host_log(MYCO_E_RUN_SPEC, "service '%s': no run section (run.command): this host spawns every service; add run: and recompile", name);
  if (spec->argv[0] == NULL || spec->argv[0][0] == '\0') return host_log(MYCO_E_RUN_SPEC, "service '%s': run.command is empty", name);
  if (!found_on_path(spec->argv[0])) return host_log(MYCO_E_RUN_SPEC, "service '%s': run.command '%s' is not an executable file (or not on the PATH)", name, spec->argv[0]);
  struct stat st;
  if (spec->cwd[0] != '\0' && (stat(spec->cwd, &st) != 0 || !S_ISDIR(st.st_mode))) {
    return host_log(MYCO_E_RUN_SPEC, "service '%s': run.cwd '%s' is not a directory", name, spec->cwd);
  }
  for (char** e = spec->env; *e != NULL; e++) {
    const char* eq = strchr(*e, '=');
    if (eq == NULL || eq == *e) return host_log(MYCO_E_RUN_SPEC, "service '%s': run.env entry '%s' is not NAME=value", name, *e);
  }
  return MYCO_OK;
}
