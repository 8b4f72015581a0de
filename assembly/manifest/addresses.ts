// Address resolution: the ADDRESS records of a service's manifest section, joined with commas
// in ordinal order, so a host can inject `{DEP}_ADDR` into a dependent's environment.
import { TAG_ADDRESS, RECORD_HEADER_BYTES } from "./format";
import { nextRecord } from "./reader";
import { slotPtr, currentSlot } from "./slots";
import { sectionStart, sectionEnd } from "../config/store";
import { serviceInstanceCount } from "../registry/services";

/** Writes the service's addresses ("a,b,c", by ordinal) to dst (at most capacity); returns the length. */
export function addressesOf(service: i32, dst: usize, capacity: i32): i32 {
  if (currentSlot < 0 || sectionStart[service] < 0) return 0;
  const blob = slotPtr(currentSlot);
  let length = 0;
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    for (let offset = sectionStart[service]; offset < sectionEnd[service]; offset = nextRecord(blob, offset)) {
      if (load<u8>(blob + <usize>offset) != TAG_ADDRESS) continue;
      if (<i32>load<u16>(blob + <usize>(offset + RECORD_HEADER_BYTES)) != ordinal) continue;
      const size = <i32>load<u16>(blob + <usize>(offset + 1)) - 2;
      if (length + size + 1 > capacity) return length;
      if (length > 0) { store<u8>(dst + <usize>length, 0x2c); length++; }
      memory.copy(dst + <usize>length, blob + <usize>(offset + RECORD_HEADER_BYTES + 2), <usize>size);
      length += size;
    }
  }
  return length;
}

/**
 * How many ordinals the service's section at blob[from, to) gives an address (the highest
 * addressed ordinal + 1; 0 without ADDRESS records): instances beyond it would have none.
 */
export function addressedOrdinals(blob: usize, from: i32, to: i32): i32 {
  let most = 0;
  for (let offset = from; offset < to; offset = nextRecord(blob, offset)) {
    if (load<u8>(blob + <usize>offset) != TAG_ADDRESS) continue;
    most = max(most, <i32>load<u16>(blob + <usize>(offset + RECORD_HEADER_BYTES)) + 1);
  }
  return most;
}
