#include "snapshot.h"

#include <string.h>

#include "myco.h"

int32_t myco_snapshot_save(uint8_t* out, uint32_t capacity) {
  int32_t total = myco_snapshot_take();
  if (total < 0) return total;
  if ((uint32_t)total > capacity) return MYCO_E_SNAPSHOT_SPACE;
  for (int32_t offset = 0; offset < total;) {
    int32_t n = myco_snapshot_read(offset);
    if (n < 0) return n;
    if (n == 0 || n > total - offset) return MYCO_E_SNAPSHOT_SEQUENCE;
    memcpy(out + offset, myco_io(), (size_t)n);
    offset += n;
  }
  return total;
}

/* One pass in chunks of the I/O buffer (a multiple of 8); the kernel says when it is complete. */
static int32_t feed(const uint8_t* bytes, uint32_t length, int32_t apply) {
  int32_t capacity = myco_io_capacity();
  if (capacity < 0) return capacity;
  uint32_t chunk = (uint32_t)capacity & ~7u;
  if (length == 0 || chunk == 0) return MYCO_E_SNAPSHOT_SEQUENCE;
  for (uint32_t offset = 0; offset < length; offset += chunk) {
    uint32_t n = length - offset < chunk ? length - offset : chunk;
    int32_t status = myco_snapshot_restore((int32_t)offset, bytes + offset, n, apply);
    if (status < 0) return status;
    bool last = offset + n >= length;
    if (status == 1 && !last) return MYCO_E_SNAPSHOT_CORRUPT; /* bytes past the length its header gives */
    if (status == 0 && last) return MYCO_E_SNAPSHOT_CORRUPT;  /* ends before its header's length */
  }
  return MYCO_OK;
}

int32_t myco_snapshot_load(const uint8_t* bytes, uint32_t length) {
  int32_t status = feed(bytes, length, 0);
  if (status != MYCO_OK) return status;
  return feed(bytes, length, 1);
}
