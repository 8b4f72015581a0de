// The one byte buffer shared with the host: it writes names and patterns here and passes the
// length; the kernel writes results (orders, events, actions, messages) here and returns it.
import { IO_BUFFER_BYTES } from "./limits";

const buffer = new StaticArray<u8>(IO_BUFFER_BYTES);

@inline export function ioPtr(): usize { return changetype<usize>(buffer); }

/** True when `len` bytes starting at `offset` lie inside the buffer. */
@inline export function ioFits(offset: i32, len: i32): bool {
  return len >= 0 && offset >= 0 && <i64>offset + <i64>len <= <i64>IO_BUFFER_BYTES;
}
