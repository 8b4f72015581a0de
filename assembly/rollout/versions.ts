// Service versions and the version ranges a dependant works with (FEATURE_COMPAT).
//
// A version is major.minor.patch, each 0..65535, held as one key that orders like the version:
//
//   key = major << 32 | minor << 16 | patch        (u64; NO_VERSION = none declared)
//
// A range is one interval over keys; a constraint of several intervals (the manifest's `||`)
// is met when any of them is. The host's manifest compiler turns npm-style ranges (">=2 <3",
// "^1.4", "~2.1.0", "2.x", "=1.2.3") into intervals; the kernel only matches and prints them.
//
//   interval flags: bit 0 has a lower bound, bit 1 it is inclusive,
//                   bit 2 has an upper bound, bit 3 it is inclusive
import { Detail } from "../util/detail";

export const NO_VERSION: u64 = 0xFFFF_FFFF_FFFF_FFFF;
export const BOUND_LOW: u8 = 1;
export const BOUND_LOW_INCLUSIVE: u8 = 2;
export const BOUND_HIGH: u8 = 4;
export const BOUND_HIGH_INCLUSIVE: u8 = 8;
export const BOUND_FLAGS_ALL: u8 = 15;

@inline export function versionKey(major: u32, minor: u32, patch: u32): u64 {
  return (<u64>major << 32) | (<u64>minor << 16) | <u64>patch;
}

/** Reads the 6-byte little-endian major, minor, patch at `ptr` as a key. */
@inline export function versionAt(ptr: usize): u64 {
  return versionKey(<u32>load<u16>(ptr), <u32>load<u16>(ptr, 2), <u32>load<u16>(ptr, 4));
}

/** `version` lies in the interval (flags, low, high). NO_VERSION lies in none. */
export function intervalHolds(flags: u8, low: u64, high: u64, version: u64): bool {
  if (version == NO_VERSION) return false;
  if ((flags & BOUND_LOW) != 0) {
    if ((flags & BOUND_LOW_INCLUSIVE) != 0 ? version < low : version <= low) return false;
  }
  if ((flags & BOUND_HIGH) != 0) {
    if ((flags & BOUND_HIGH_INCLUSIVE) != 0 ? version > high : version >= high) return false;
  }
  return true;
}

export const VERSION_MAX: u64 = 0xFFFF_FFFF_FFFF; // 65535.65535.65535

/** Some version lies in the interval (a malformed record's may be empty: ">=3 <2", "<0.0.0"). */
export function intervalNonEmpty(flags: u8, low: u64, high: u64): bool {
  if ((flags & ~BOUND_FLAGS_ALL) != 0) return false;
  const hasLow = (flags & BOUND_LOW) != 0, hasHigh = (flags & BOUND_HIGH) != 0;
  if ((hasLow && low > VERSION_MAX) || (hasHigh && high > VERSION_MAX)) return false;
  const least: u64 = !hasLow ? 0 : (flags & BOUND_LOW_INCLUSIVE) != 0 ? low : low + 1;
  if (!hasHigh) return least <= VERSION_MAX;
  if ((flags & BOUND_HIGH_INCLUSIVE) != 0) return least <= high;
  return least < high;
}

/** Writes major.minor.patch (or "none" for NO_VERSION). */
export function sayVersion(d: Detail, version: u64): Detail {
  if (version == NO_VERSION) return d.text("(no version)");
  return d.int(<i64>(version >> 32)).text(".").int(<i64>((version >> 16) & 0xFFFF)).text(".").int(<i64>(version & 0xFFFF));
}

/** Writes the interval as comparators (">=2.0.0 <3.0.0"; "*" when unbounded). */
export function sayInterval(d: Detail, flags: u8, low: u64, high: u64): Detail {
  if ((flags & (BOUND_LOW | BOUND_HIGH)) == 0) return d.text("*");
  if ((flags & BOUND_LOW) != 0) sayVersion(d.text((flags & BOUND_LOW_INCLUSIVE) != 0 ? ">=" : ">"), low);
  if ((flags & BOUND_LOW) != 0 && (flags & BOUND_HIGH) != 0) d.text(" ");
  if ((flags & BOUND_HIGH) != 0) sayVersion(d.text((flags & BOUND_HIGH_INCLUSIVE) != 0 ? "<=" : "<"), high);
  return d;
}
