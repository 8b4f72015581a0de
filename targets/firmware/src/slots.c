#include "slots.h"

#include <string.h>

#include "myco_internal.h"

uint32_t myco_slot(void) {
  return myco_slot_active();
}

/* The new slot's instance goes; the old one is active again, as it was. */
static int32_t back_to(uint32_t old, int32_t status) {
  myco_slot_discard();
  myco_slot_select(old);
  return status;
}

/* Reads chunk `offset` out of the old slot and feeds it to the new one; the pass's status (1: complete). */
static int32_t carry(uint32_t old, uint32_t next, int32_t offset, int32_t total, int32_t apply) {
  myco_slot_select(old);
  int32_t n = myco_snapshot_read(offset);
  const uint8_t* chunk = myco_io();
  myco_slot_select(next);
  if (n <= 0 || n > total - offset) return n < 0 ? n : MYCO_E_SNAPSHOT_SEQUENCE;
  int32_t status = myco_snapshot_restore(offset, chunk, (uint32_t)n, apply);
  if (status < 0) return status;
  bool last = offset + n >= total;
  if (status != (last ? 1 : 0)) return MYCO_E_SNAPSHOT_CORRUPT; /* the length is not its header's */
  return n;
}

/* The self-check: the new slot takes its own snapshot; its length and first chunk must be the old one's. */
static int32_t self_check(uint32_t old, uint32_t next, int32_t total) {
  int32_t again = myco_snapshot_take();
  if (again < 0) return again;
  int32_t n = again == total ? myco_snapshot_read(0) : 0;
  if (n < 0) return n;
  const uint8_t* mine = myco_io();
  myco_slot_select(old);
  int32_t m = n > 0 ? myco_snapshot_read(0) : 0;
  const uint8_t* theirs = myco_io();
  myco_slot_select(next);
  if (m < 0) return m;
  if (again != total || n != m || n == 0 || memcmp(mine, theirs, (size_t)n) != 0) return MYCO_E_SLOT_SELF_CHECK;
  return MYCO_OK;
}

int32_t myco_upgrade(const myco_upgrade_hooks_t* hooks) {
  if (MYCO_SLOTS < 2) return MYCO_E_SLOT_ABSENT;
  if (!myco_running()) return MYCO_E_NOT_RUNNING;
  uint32_t old = myco_slot_active();
  uint32_t next = 1u - old;
  int32_t total = myco_snapshot_take();
  if (total < 0) return total;
  myco_slot_select(next);
  int32_t status = myco_slot_instantiate();
  if (status != MYCO_OK) return back_to(old, status);
  if (hooks != NULL && hooks->after_instantiate != NULL) hooks->after_instantiate(hooks->context);
  for (int32_t apply = 0; apply <= 1; apply++) {
    for (int32_t offset = 0; offset < total; offset += status) {
      status = carry(old, next, offset, total, apply);
      if (status < 0) return back_to(old, status);
    }
  }
  if (hooks != NULL && hooks->after_restore != NULL) hooks->after_restore(hooks->context);
  status = self_check(old, next, total);
  if (status != MYCO_OK) return back_to(old, status);
  myco_slot_select(old); /* the old slot's instance is freed: the new one runs */
  myco_slot_discard();
  myco_slot_select(next);
  return MYCO_OK;
}
