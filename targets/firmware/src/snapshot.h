/*
 * Snapshot and restore from C (docs/snapshot-format.md): the kernel's whole state out to bytes
 * and back, through the same exports every host calls (snapshotTake/Read/Restore), so a snapshot
 * taken here restores on Node and the other way round. The bytes live in the firmware's buffer
 * (a file, flash, a radio): this layer only moves them in I/O-buffer chunks.
 */
#ifndef MYCO_SNAPSHOT_H
#define MYCO_SNAPSHOT_H

#include <stdint.h>

/* The snapshot does not fit the buffer the firmware gave (its length is needed). */
#define MYCO_E_SNAPSHOT_SPACE (-1002)

/* Takes the running kernel's snapshot into `out` (`capacity` bytes); returns its length. */
int32_t myco_snapshot_save(uint8_t* out, uint32_t capacity);

/*
 * Restores `length` bytes: a verify pass over all of them (the kernel changes nothing and
 * refuses a damaged, foreign or truncated snapshot with its error code), then the apply pass.
 * Returns MYCO_OK, or the refusal with the kernel exactly as it was.
 */
int32_t myco_snapshot_load(const uint8_t* bytes, uint32_t length);

#endif
