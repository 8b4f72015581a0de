// Three fixed slots of MANIFEST_BYTES_MAX bytes: the staging slot (the host uploads the next
// blob here, chunk by chunk, and dumps are built here), the current version, and the previous
// one (what `rollback` returns to). A load or rollback only renames slots: nothing is copied.
import { MANIFEST_BYTES_MAX } from "../limits";
import { OK, E_MANIFEST_STAGE } from "../errors";
import { fail } from "../util/detail";
import { fillAll } from "../util/fill";

const bytes = new StaticArray<u8>(3 * MANIFEST_BYTES_MAX);
const lengths = new StaticArray<i32>(3);

export let stagingSlot: i32 = 0;
export let currentSlot: i32 = -1;
export let previousSlot: i32 = -1;

@inline export function slotPtr(slot: i32): usize {
  return changetype<usize>(bytes) + <usize>(slot * MANIFEST_BYTES_MAX);
}
@inline export function slotLength(slot: i32): i32 { return lengths[slot]; }
export function setSlotLength(slot: i32, length: i32): void { lengths[slot] = length; }

/** Copies `length` bytes from `src` into the staging slot at `offset`. */
export function stage(offset: i32, src: usize, length: i32): i32 {
  if (offset < 0 || length < 0 || <i64>offset + <i64>length > <i64>MANIFEST_BYTES_MAX) {
    return fail(E_MANIFEST_STAGE).text("staging ").int(length).text(" bytes at offset ").int(offset)
      .text(" goes past the manifest limit of ").int(MANIFEST_BYTES_MAX).text(" bytes").code();
  }
  memory.copy(slotPtr(stagingSlot) + <usize>offset, src, <usize>length);
  return OK;
}

/** The slot `loaded` (staging, or previous on a rollback) became current; the old current is previous. */
export function promote(loaded: i32): void {
  previousSlot = currentSlot;
  currentSlot = loaded;
  // staging takes a slot that is neither current nor previous
  for (let slot = 0; slot < 3; slot++) {
    if (slot != currentSlot && slot != previousSlot) { stagingSlot = slot; break; }
  }
}

export function slotsReset(): void {
  stagingSlot = 0;
  currentSlot = -1;
  previousSlot = -1;
  fillAll(lengths, 0);
}
