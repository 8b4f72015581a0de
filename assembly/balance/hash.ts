// Hashing for the keyed strategies: pure integer functions, so every host (JS, C, any CPU)
// computes the same value for the same key and builds the same tables for the same membership.

/** MurmurHash3's 32-bit finalizer: a bijection that spreads every input bit over the output. */
@inline export function mix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >>> 16);
}

/** MurmurHash3 x86_32 (seed 0) of `len` bytes at `ptr`. */
export function hashBytes(ptr: usize, len: i32): u32 {
  let h: u32 = 0;
  const blocks = len >> 2;
  for (let i = 0; i < blocks; i++) {
    let k = load<u32>(ptr + (<usize>i << 2));
    k *= 0xcc9e2d51;
    k = rotl<u32>(k, 15) * 0x1b873593;
    h ^= k;
    h = rotl<u32>(h, 13) * 5 + 0xe6546b64;
  }
  let k: u32 = 0;
  const tail = ptr + (<usize>blocks << 2);
  const rest = len & 3;
  if (rest >= 3) k ^= <u32>load<u8>(tail + 2) << 16;
  if (rest >= 2) k ^= <u32>load<u8>(tail + 1) << 8;
  if (rest >= 1) {
    k ^= <u32>load<u8>(tail);
    k *= 0xcc9e2d51;
    h ^= rotl<u32>(k, 15) * 0x1b873593;
  }
  return mix32(h ^ <u32>len);
}

@inline function bigEndian32(ptr: usize): u32 { return bswap<u32>(load<u32>(ptr)); }

/**
 * The key of a client address: IPv4 (4 bytes) as its 32-bit number, so a pick by bytes equals a
 * pick by the number; IPv6 (16 bytes) hashed, except IPv4-mapped ones (::ffff:a.b.c.d), which
 * are the IPv4 address. The caller checked that `len` is 4 or 16.
 */
export function addressKey(ptr: usize, len: i32): u32 {
  if (len == 4) return bigEndian32(ptr);
  if (load<u64>(ptr) == 0 && bigEndian32(ptr + 8) == 0xffff) return bigEndian32(ptr + 12);
  return hashBytes(ptr, 16);
}
