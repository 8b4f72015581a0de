#include "replay.h"

#include <stdbool.h>
#include <string.h>

#include "dispatch.h"
#include "myco.h"
#include "out.h"

#define STEP_IO 1
#define STEP_CLOCK 2
#define STEP_WAKE 3
#define STEP_CALL 4
#define FLAG_EVENT_LOG 1
/* Bounds of this reader: the ABI has ~130 exports of at most 10 parameters. */
#define PROGRAM_EXPORTS_MAX 512
#define PROGRAM_ARGS_MAX 16
/* A failure of the program itself (malformed, or made for another kernel), not a kernel status. */
#define REPLAY_E_PROGRAM (-2000)

typedef struct {
  uint16_t dispatch; /* index into MYCO_EXPORTS */
  uint8_t params;
  uint8_t out_unit;
  uint8_t flags;
} program_export_t;

typedef struct {
  const uint8_t* bytes;
  size_t length;
  size_t at;
  uint32_t step; /* 1-based, for messages */
  bool bad;
  bool compact; /* version 2 (targets/firmware/tools/compact-program.ts): integers are zigzag varints */
} reader_t;

static program_export_t exports[PROGRAM_EXPORTS_MAX];

static int32_t fail(const reader_t* r, const char* what, const char* name, int32_t status) {
  out_text("replay: step ");
  out_int(r->step);
  out_text(" (byte ");
  out_int((int64_t)r->at);
  out_text("): ");
  out_text(what);
  if (name != NULL) {
    out_text(" ");
    out_text(name);
  }
  out_text(": status ");
  out_int(status);
  out_end_line();
  return status < 0 ? status : REPLAY_E_PROGRAM;
}

static const uint8_t* take(reader_t* r, size_t n) {
  if (r->bad || n > r->length - r->at) {
    r->bad = true;
    return NULL;
  }
  const uint8_t* at = r->bytes + r->at;
  r->at += n;
  return at;
}

/* A zigzag LEB128 varint (at most 10 bytes), as its 64 bits. */
static uint64_t read_varint(reader_t* r) {
  uint64_t u = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    const uint8_t* at = take(r, 1);
    if (at == NULL) return 0;
    u |= (uint64_t)(*at & 0x7f) << shift;
    if ((*at & 0x80) == 0) return (u >> 1) ^ (0 - (u & 1));
  }
  r->bad = true;
  return 0;
}

/* An n-byte integer field: little-endian in version 1, a varint (wider than a byte) in version 2. */
static uint64_t read_le(reader_t* r, size_t n) {
  if (r->compact && n > 1) {
    uint64_t value = read_varint(r);
    return n < 8 ? value & ((UINT64_C(1) << (8 * n)) - 1) : value;
  }
  const uint8_t* at = take(r, n);
  uint64_t value = 0;
  for (size_t i = 0; at != NULL && i < n; i++) value |= (uint64_t)at[i] << (8 * i);
  return value;
}

/* A length-prefixed ASCII string into `out` (NUL-terminated; at most 255 bytes). */
static bool read_text(reader_t* r, char out[256]) {
  size_t length = (size_t)read_le(r, 1);
  const uint8_t* at = take(r, length);
  if (at == NULL) return false;
  memcpy(out, at, length);
  out[length] = '\0';
  return true;
}

static int32_t find_export(const char* name) {
  for (uint32_t i = 0; i < MYCO_EXPORT_COUNT; i++) {
    if (strcmp(MYCO_EXPORTS[i].name, name) == 0) return (int32_t)i;
  }
  return -1;
}

/* The header: magic, version, the export table resolved against this kernel's, the seed. */
static int32_t read_header(reader_t* r, uint32_t* count_out, uint32_t* seed, uint32_t* steps) {
  const uint8_t* magic = take(r, 4);
  if (magic == NULL || memcmp(magic, "MYCP", 4) != 0) return fail(r, "not a conformance program (magic)", NULL, REPLAY_E_PROGRAM);
  uint64_t version = read_le(r, 2);
  if (version != 1 && version != 2) return fail(r, "program version is not 1 or 2", NULL, REPLAY_E_PROGRAM);
  r->compact = version == 2;
  uint32_t count = (uint32_t)read_le(r, 2);
  *seed = (uint32_t)read_le(r, 4);
  if (count > PROGRAM_EXPORTS_MAX) return fail(r, "too many exports in the program", NULL, REPLAY_E_PROGRAM);
  *count_out = count;
  for (uint32_t i = 0; i < count; i++) {
    char name[256];
    char signature[256];
    if (!read_text(r, name) || !read_text(r, signature)) return fail(r, "program truncated in its export table", NULL, REPLAY_E_PROGRAM);
    int32_t dispatch = find_export(name);
    if (dispatch < 0) return fail(r, "this kernel has no export", name, REPLAY_E_PROGRAM);
    if (strcmp(MYCO_EXPORTS[dispatch].signature, signature) != 0) return fail(r, "signature differs from this kernel's for", name, REPLAY_E_PROGRAM);
    const char* end = strchr(signature, '>');
    if (end == NULL || end - signature > PROGRAM_ARGS_MAX) return fail(r, "bad signature of", name, REPLAY_E_PROGRAM);
    exports[i].dispatch = (uint16_t)dispatch;
    exports[i].params = (uint8_t)(end - signature);
    exports[i].out_unit = (uint8_t)read_le(r, 1);
    exports[i].flags = (uint8_t)read_le(r, 1);
  }
  *steps = (uint32_t)read_le(r, 4);
  return r->bad ? fail(r, "program truncated in its header", NULL, REPLAY_E_PROGRAM) : MYCO_OK;
}

uint32_t replay_seed(const uint8_t* program, size_t length) {
  reader_t r = {program, length, 0, 0, false, false};
  const uint8_t* magic = take(&r, 4);
  if (magic == NULL || memcmp(magic, "MYCP", 4) != 0) return 0;
  r.compact = read_le(&r, 2) == 2;
  (void)read_le(&r, 2);
  uint32_t seed = (uint32_t)read_le(&r, 4);
  return r.bad ? 0 : seed;
}

/* One CALL step: the export's arguments, the call, and its answer into the hashes. */
static int32_t call_step(reader_t* r, uint32_t export_count, replay_result_t* result, fnv1a64_t* hash, fnv1a64_t* event_hash) {
  uint32_t index = (uint32_t)read_le(r, 2);
  if (index >= export_count) return fail(r, "call of an export past the table", NULL, REPLAY_E_PROGRAM);
  const program_export_t* fn = &exports[index];
  int64_t args[PROGRAM_ARGS_MAX];
  for (uint32_t k = 0; k < fn->params; k++) args[k] = (int64_t)read_le(r, 8);
  if (r->bad) return fail(r, "program truncated in a call", NULL, REPLAY_E_PROGRAM);
  int64_t value = 0;
  int32_t status = myco_call_export(fn->dispatch, args, &value);
  if (status != MYCO_OK) return fail(r, "call of", MYCO_EXPORTS[fn->dispatch].name, status);
  uint8_t slot[8];
  for (int i = 0; i < 8; i++) slot[i] = (uint8_t)((uint64_t)value >> (8 * i));
  fnv1a64_update(hash, slot, sizeof slot);
  if (value > 0 && fn->out_unit > 0) {
    uint64_t bytes = (uint64_t)value * fn->out_unit;
    int32_t capacity = myco_io_capacity();
    if (capacity < 0 || bytes > (uint64_t)capacity) return fail(r, "output past the I/O buffer from", MYCO_EXPORTS[fn->dispatch].name, REPLAY_E_PROGRAM);
    fnv1a64_update(hash, myco_io(), (size_t)bytes);
    if (fn->flags & FLAG_EVENT_LOG) {
      fnv1a64_update(event_hash, myco_io(), (size_t)bytes);
      result->events += (uint32_t)value;
    }
  }
  result->calls++;
  return MYCO_OK;
}

int32_t replay_program(const uint8_t* program, size_t length, hal_virtual_t* clock, replay_result_t* result) {
  reader_t r = {program, length, 0, 0, false, false};
  fnv1a64_t hash;
  fnv1a64_t event_hash;
  uint32_t seed = 0;
  uint32_t steps = 0;
  uint32_t export_count = 0;
  fnv1a64_init(&hash);
  fnv1a64_init(&event_hash);
  memset(result, 0, sizeof *result);
  int32_t status = read_header(&r, &export_count, &seed, &steps);
  if (status != MYCO_OK) return status;
  for (r.step = 1; r.step <= steps; r.step++) {
    uint8_t kind = (uint8_t)read_le(&r, 1);
    if (kind == STEP_IO) {
      uint32_t n = (uint32_t)read_le(&r, 2);
      const uint8_t* bytes = take(&r, n);
      if (bytes == NULL) return fail(&r, "program truncated in an I/O write", NULL, REPLAY_E_PROGRAM);
      status = myco_io_write(bytes, n);
      if (status != MYCO_OK) return fail(&r, "I/O write", NULL, status);
    } else if (kind == STEP_CLOCK) {
      clock->now_ms = (int64_t)read_le(&r, 8);
    } else if (kind == STEP_WAKE) {
      clock->wake_ms = (int64_t)read_le(&r, 8);
    } else if (kind == STEP_CALL) {
      status = call_step(&r, export_count, result, &hash, &event_hash);
      if (status != MYCO_OK) return status;
    } else {
      return fail(&r, "unknown step kind", NULL, REPLAY_E_PROGRAM);
    }
    if (r.bad) return fail(&r, "program truncated", NULL, REPLAY_E_PROGRAM);
  }
  if (r.at != length) return fail(&r, "bytes after the program's last step", NULL, REPLAY_E_PROGRAM);
  result->hash = hash.hash;
  result->event_hash = event_hash.hash;
  return MYCO_OK;
}
