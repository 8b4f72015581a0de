// Config exports (re-exported by index.ts). Keys travel in the I/O buffer; values come back as
// text (ints, durations in ms, sizes in bytes as decimal; bools as true/false). A secret's value
// is never written by these, with one exception meant for executors injecting it into a
// service's environment: configSecretReveal.
import { IO_BUFFER_BYTES } from "../limits";
import { E_IO_LENGTH, E_CONFIG_UNKNOWN_KEY, E_CONFIG_SECRET, E_INVALID_ARGUMENT } from "../errors";
import { ioPtr, ioFits } from "../io";
import { fail, Detail } from "../util/detail";
import { checkService, sayService } from "../registry/services";
import { slotPtr, currentSlot } from "../manifest/slots";
import { RECORD_HEADER_BYTES, maskByte } from "../manifest/format";
import { configKeys, configRecordAt, configFind } from "./store";
import { addressesOf } from "../manifest/addresses";
import {
  parseConfig, cfgType, cfgFlags, cfgKeyPtr, cfgKeyLength, cfgValuePtr, cfgValueLength, isNumeric,
  CONFIG_BOOL, FLAG_SECRET, FLAG_HAS_VALUE,
} from "./schema";

/** Text of the value last parsed, written to the I/O buffer (numbers through a Detail-free path). */
function writeValue(reveal: bool): i32 {
  const out = ioPtr();
  if ((cfgFlags & FLAG_HAS_VALUE) == 0) return 0;
  if (isNumeric(cfgType)) return writeInt(out, load<i64>(cfgValuePtr));
  if (cfgType == CONFIG_BOOL) return writeText(out, load<u8>(cfgValuePtr) != 0 ? "true" : "false");
  const n = min(cfgValueLength, IO_BUFFER_BYTES);
  if (reveal) { for (let i = 0; i < n; i++) store<u8>(out + <usize>i, maskByte(load<u8>(cfgValuePtr + <usize>i), i)); }
  else memory.copy(out, cfgValuePtr, <usize>n);
  return n;
}

function writeText(out: usize, s: string): i32 {
  for (let i = 0; i < s.length; i++) store<u8>(out + <usize>i, <u8>s.charCodeAt(i));
  return s.length;
}

function writeInt(out: usize, value: i64): i32 {
  let n = 0;
  if (value < 0) { store<u8>(out, 0x2d); n = 1; }
  let divisor: i64 = 1;
  const magnitude = value < 0 ? -value : value;
  while (magnitude / divisor >= 10) divisor *= 10;
  for (; divisor > 0; divisor /= 10) {
    const digit = (magnitude / divisor) % 10;
    store<u8>(out + <usize>n, <u8>(0x30 + (digit < 0 ? -digit : digit)));
    n++;
  }
  return n;
}

/** Finds the key named by the buffer on `id` and parses its record; the offset or an error. */
function lookup(id: i32, keyLength: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  if (!ioFits(0, keyLength)) return fail(E_IO_LENGTH).text("key length ").int(keyLength).text(" is outside the I/O buffer").code();
  const offset = currentSlot < 0 ? -1 : configFind(id, slotPtr(currentSlot), ioPtr(), keyLength);
  if (offset < 0) {
    return sayService(fail(E_CONFIG_UNKNOWN_KEY).text("service "), id).text(" has no config key '").raw(ioPtr(), keyLength)
      .text("'").code();
  }
  const record = slotPtr(currentSlot) + <usize>offset;
  parseConfig(record + RECORD_HEADER_BYTES, <i32>load<u16>(record, 1));
  return offset;
}

/** The number of config keys of a service. */
export function configCount(id: i32): i32 { const bad = checkService(id); return bad < 0 ? bad : configKeys(id); }

/** Writes the name of key `ordinal` of the service to the buffer; returns its length. */
export function configKeyAt(id: i32, ordinal: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  if (ordinal < 0 || ordinal >= configKeys(id)) {
    return sayService(fail(E_INVALID_ARGUMENT).text("service "), id).text(": config ordinal ").int(ordinal)
      .text(" is outside 0..").int(configKeys(id) - 1).code();
  }
  const record = slotPtr(currentSlot) + <usize>configRecordAt(id, ordinal);
  parseConfig(record + RECORD_HEADER_BYTES, <i32>load<u16>(record, 1));
  memory.copy(ioPtr(), cfgKeyPtr, <usize>cfgKeyLength);
  return cfgKeyLength;
}

/** (type << 8) | flags of the key named by the buffer (config/schema.ts CONFIG_*, FLAG_*). */
export function configInfo(id: i32, keyLength: i32): i32 {
  const found = lookup(id, keyLength);
  return found < 0 ? found : (<i32>cfgType << 8) | <i32>cfgFlags;
}

/** Writes the value of the key named by the buffer as text; E_CONFIG_SECRET for a secret. */
export function configGet(id: i32, keyLength: i32): i32 {
  const found = lookup(id, keyLength);
  if (found < 0) return found;
  if ((cfgFlags & FLAG_SECRET) != 0) return secretRefused(id);
  return writeValue(false);
}

/** The one path that writes a secret in clear: for executors building a service's environment. */
export function configSecretReveal(id: i32, keyLength: i32): i32 {
  const found = lookup(id, keyLength);
  if (found < 0) return found;
  return writeValue((cfgFlags & FLAG_SECRET) != 0);
}

function secretRefused(id: i32): i32 {
  const d: Detail = sayService(fail(E_CONFIG_SECRET).text("service "), id).text(": config '").raw(cfgKeyPtr, cfgKeyLength);
  return d.text("' is secret; its value is redacted").code();
}

// The addresses are manifest data, like the values above (discovery reads no manifest).
/** The service's instance addresses ("a,b" by ordinal) in the buffer; returns the length. */
export function discoveryAddresses(id: i32): i32 {
  const bad = checkService(id);
  return bad < 0 ? bad : addressesOf(id, ioPtr(), IO_BUFFER_BYTES);
}
