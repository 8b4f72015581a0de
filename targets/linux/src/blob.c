#include "blob.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define SECTION_RECOVERY 4
/* RECOVERY record fields (docs/abi-records.md): escalation flags, backup, the strategy lists. */
#define RECOVERY_ESCALATION 13
#define RECOVERY_BACKUP 15
#define RECOVERY_STRATEGIES 18
#define FAULT_PATTERNS 8
#define ESCALATE_REBOOT 2
#define STRATEGY_FAILOVER 5
#define STRATEGY_CONFIG_RELOAD 7

int32_t blob_read(const char* path, uint8_t** bytes, size_t* length) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) return host_log(MYCO_E_BLOB_FILE, "cannot read the blob %s: %s", path, strerror(errno));
  size_t capacity = 4096, used = 0;
  uint8_t* data = malloc(capacity);
  for (size_t n; data != NULL && (n = fread(data + used, 1, capacity - used, file)) > 0;) {
    used += n;
    uint8_t* grown = used == capacity ? realloc(data, capacity *= 2) : data;
    if (grown == NULL) free(data);
    data = grown;
  }
  bool failed = data == NULL || ferror(file) != 0;
  fclose(file);
  if (failed) {
    free(data);
    return host_log(MYCO_E_BLOB_FILE, "cannot read the blob %s", path);
  }
  *bytes = data;
  *length = used;
  return MYCO_OK;
}

int32_t blob_load(const uint8_t* bytes, size_t length) {
  int32_t capacity = myco_manifest_capacity();
  if (capacity < 0) return capacity;
  if (length > (size_t)capacity) return host_log(MYCO_E_BLOB_FILE, "the blob is %zu bytes; this kernel's manifest slot holds %d", length, capacity);
  int32_t chunk = myco_io_capacity();
  for (size_t offset = 0; offset < length; offset += (size_t)chunk) {
    size_t n = length - offset < (size_t)chunk ? length - offset : (size_t)chunk;
    int32_t status = myco_manifest_stage((int32_t)offset, bytes + offset, (uint32_t)n);
    if (status < 0) return host_log(status, "the kernel refused the blob: %s", host_kernel_detail(status));
  }
  int32_t status = myco_manifest_load((int32_t)length);
  if (status < 0) return host_log(status, "the kernel refused the blob: %s", host_kernel_detail(status));
  return MYCO_OK;
}

static const char* const NEEDS[] = {
  "run.ready (a start delay)", "run.ready: listening", "run.user/group/capabilities/isolation", "run.gateway", "run.env secrets", "a run.check of kind file",
  "resources: (limits need the host's usage samples and node capacity)",
};

/* True when any fault pattern's strategy list (4-bit entries) holds `strategy`. */
static bool lists_hold(const int32_t* record, int32_t strategy) {
  for (int p = 0; p < FAULT_PATTERNS; p++) {
    for (uint32_t list = (uint32_t)record[RECOVERY_STRATEGIES + p]; list != 0; list >>= 4) {
      if ((int32_t)(list & 0xf) == strategy) return true;
    }
  }
  return false;
}

int32_t blob_refuse_unsupported(const run_spec_t* spec, int32_t service) {
  for (uint32_t bit = 0; bit < sizeof NEEDS / sizeof NEEDS[0]; bit++) {
    if (spec->needs & (1u << bit)) return host_log(MYCO_E_UNSUPPORTED, "service '%s': %s is not supported by the native Linux host (use myco run)", spec->name, NEEDS[bit]);
  }
  int32_t length = myco_record_read(service, SECTION_RECOVERY);
  if (length < 0) return host_log(length, "service '%s': reading its recovery record: %s", spec->name, host_kernel_detail(length));
  int32_t record[RECOVERY_STRATEGIES + FAULT_PATTERNS];
  memcpy(record, myco_io(), sizeof record);
  const char* refused = (record[RECOVERY_ESCALATION] & ESCALATE_REBOOT) ? "recovery escalation to a reboot request"
                        : record[RECOVERY_BACKUP] >= 0 || lists_hold(record, STRATEGY_FAILOVER) ? "recovery failover to a backup service"
                        : lists_hold(record, STRATEGY_CONFIG_RELOAD) ? "recovery strategy config-reload"
                        : NULL;
  if (refused != NULL) return host_log(MYCO_E_UNSUPPORTED, "service '%s': %s is an action the native Linux host does not execute", spec->name, refused);
  return MYCO_OK;
}
