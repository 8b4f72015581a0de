/*
 * Two module slots, like an A/B bootloader (an image built with -DMYCO_SLOTS=2): the kernel runs
 * in one slot; an upgrade instantiates the module in the other slot, restores the running
 * kernel's snapshot into it (verify pass, then apply), has it take the same snapshot again
 * (the self-check: same length, same header with its CRC-32 of every byte, same globals) and
 * only then switches every call to it and frees the old slot. A refused snapshot, a trap or a
 * failed self-check frees the new slot and leaves the old kernel running, untouched.
 *
 * With wasm2c both slots hold instances of the module linked into the image (the "new build"
 * is the same code: what crosses is the state, as when a bootloader flashes a new image into
 * the other bank and hands it the old one's state). docs: targets/firmware/README.md.
 */
#ifndef MYCO_SLOTS_H
#define MYCO_SLOTS_H

#include <stdint.h>

/* The image has one module slot only (built without -DMYCO_SLOTS=2). */
#define MYCO_E_SLOT_ABSENT (-1003)
/* The new slot restored the snapshot but took another one: the old slot stays. */
#define MYCO_E_SLOT_SELF_CHECK (-1004)

/* Test seams (fault injection): called on the new slot's kernel (active while called) after it
 * is instantiated and after the snapshot is applied. NULL members are skipped. */
typedef struct {
  void (*after_instantiate)(void* context);
  void (*after_restore)(void* context);
  void* context;
} myco_upgrade_hooks_t;

/* The slot the kernel runs in (0 or 1). */
uint32_t myco_slot(void);

/* Upgrades into the other slot; MYCO_OK, or why the old slot still runs. `hooks` may be NULL. */
int32_t myco_upgrade(const myco_upgrade_hooks_t* hooks);

#endif
