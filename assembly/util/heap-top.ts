// The stub allocator's high-water mark, read without allocating (the old probe allocated and
// freed 16 bytes on every call, which put the allocator on an exported path).
//
// The stub runtime (std/assembly/rt/stub.ts) is a bump allocator: block k starts where block
// k-1 ends, and each block's header holds its payload size:
//
//   | mmInfo usize | payload (mmInfo bytes) | mmInfo usize | payload ... | 0 ... (never used)
//   ^ first block: __heap_base rounded so that the payload is 16-byte aligned
//
// Nothing in the kernel frees, and the allocation test (test/kernel/allocation.test.ts) proves
// that no export other than the start function reaches the allocator, so the blocks written at
// init are all there are: walking their headers from the first one reaches the allocator's
// `offset`, the header of the block the next allocation would get. Memory past it is zero (the
// fixed memory starts zeroed), which ends the walk; the walk never leaves the memory.
import { AL_MASK, BLOCK_OVERHEAD } from "rt/common";
import { Runtime } from "shared/runtime";

/** Where the next allocation's payload would start (the value the stub's `__alloc` would return). */
export function heapTop(): usize {
  if (ASC_RUNTIME != Runtime.Stub) return 0; // as-pect's GC runtime keeps no bump pointer
  const end = <usize>memory.size() << 16;
  let block = ((__heap_base + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  while (block + BLOCK_OVERHEAD <= end) {
    const payload = load<usize>(block);
    if (payload == 0) break;
    block += BLOCK_OVERHEAD + payload;
  }
  return block + BLOCK_OVERHEAD;
}
