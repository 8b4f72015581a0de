// A config key as the manifest carries it: its schema and its value, in one record. The parser
// reads a record into the fields below (no allocation); `checkConfigValue` says whether the
// value fits the schema. Errors name the service, the key and the value (a secret's value never:
// only its length).
//
//   CONFIG payload:
//   | type u8 | flags u8 | keyLen u8 | key | min i64 | max i64 | choicesLen u8 | choices "a|b" |
//   | patternLen u8 | pattern | valueLen u8 | value |
//   int, duration (ms), size (bytes): value is an i64 in [min, max]; bool: one byte 0 or 1;
//   string: [min, max] bounds its length, the pattern (discovery syntax) its bytes; enum: one of
//   the choices. A secret's value bytes are masked (format.ts maskByte).
import { CONFIG_VALUE_BYTES_MAX } from "../limits";
import { OK, E_MANIFEST_RECORD, E_CONFIG_TYPE, E_CONFIG_RANGE, E_CONFIG_PATTERN, E_CONFIG_REQUIRED, E_CONFIG_VALUE } from "../errors";
import { validateName } from "../registry/names";
import { patternCompile, patternMatches } from "../discovery/pattern";
import { maskByte } from "../manifest/format";
import { fail, Detail, detail } from "../util/detail";
import { fillAll } from "../util/fill";

export const CONFIG_INT: u8 = 1;
export const CONFIG_BOOL: u8 = 2;
export const CONFIG_STRING: u8 = 3;
export const CONFIG_ENUM: u8 = 4;
export const CONFIG_DURATION: u8 = 5;
export const CONFIG_SIZE: u8 = 6;

export const FLAG_REQUIRED: u8 = 1;
export const FLAG_SECRET: u8 = 2;
export const FLAG_HOT: u8 = 4;
export const FLAG_HAS_VALUE: u8 = 8;
/** Only in dumps: the secret's value was left out. A blob that carries it is refused. */
export const FLAG_REDACTED: u8 = 16;
const FLAGS_KNOWN: u8 = 31;

const TYPE_NAMES: StaticArray<string> = ["?", "int", "bool", "string", "enum", "duration", "size"];

// The record last parsed.
export let cfgType: u8 = 0;
export let cfgFlags: u8 = 0;
export let cfgKeyPtr: usize = 0;
export let cfgKeyLength: i32 = 0;
export let cfgMin: i64 = 0;
export let cfgMax: i64 = 0;
export let cfgChoicesPtr: usize = 0;
export let cfgChoicesLength: i32 = 0;
export let cfgPatternPtr: usize = 0;
export let cfgPatternLength: i32 = 0;
export let cfgValuePtr: usize = 0;
export let cfgValueLength: i32 = 0;
/** Payload offset of the value length byte (the dump rewrites secrets from there). */
export let cfgValueAt: i32 = 0;

/** A secret's value, unmasked for checking only (then wiped). */
const secretScratch = new StaticArray<u8>(CONFIG_VALUE_BYTES_MAX);

@inline export function isNumeric(type: u8): bool { return type == CONFIG_INT || type == CONFIG_DURATION || type == CONFIG_SIZE; }

export function typeName(type: u8): string { return type <= CONFIG_SIZE ? TYPE_NAMES[type] : "?"; }

/** Reads a CONFIG payload; OK or E_MANIFEST_RECORD when the layout does not add up. */
export function parseConfig(ptr: usize, length: i32): i32 {
  if (length < 3) return fail(E_MANIFEST_RECORD).text("config record of ").int(length).text(" bytes is too short").code();
  cfgType = load<u8>(ptr);
  cfgFlags = load<u8>(ptr, 1);
  cfgKeyLength = <i32>load<u8>(ptr, 2);
  cfgKeyPtr = ptr + 3;
  let at = 3 + cfgKeyLength;
  if (at + 17 > length) return fail(E_MANIFEST_RECORD).text("config record ends inside its key or range").code();
  cfgMin = load<i64>(ptr + <usize>at);
  cfgMax = load<i64>(ptr + <usize>at, 8);
  at += 16;
  cfgChoicesLength = <i32>load<u8>(ptr + <usize>at);
  cfgChoicesPtr = ptr + <usize>(at + 1);
  at += 1 + cfgChoicesLength;
  if (at + 1 > length) return fail(E_MANIFEST_RECORD).text("config record ends inside its choices").code();
  cfgPatternLength = <i32>load<u8>(ptr + <usize>at);
  cfgPatternPtr = ptr + <usize>(at + 1);
  at += 1 + cfgPatternLength;
  if (at + 1 > length) return fail(E_MANIFEST_RECORD).text("config record ends inside its pattern").code();
  cfgValueAt = at;
  cfgValueLength = <i32>load<u8>(ptr + <usize>at);
  cfgValuePtr = ptr + <usize>(at + 1);
  at += 1 + cfgValueLength;
  if (at != length) {
    return fail(E_MANIFEST_RECORD).text("config record is ").int(length).text(" bytes but its fields take ").int(at).code();
  }
  return OK;
}

function sayKey(d: Detail, servicePtr: usize, serviceLength: i32): Detail {
  return d.text("service '").raw(servicePtr, serviceLength).text("': config '").raw(cfgKeyPtr, cfgKeyLength).text("'");
}

function sayValue(d: Detail): Detail {
  if ((cfgFlags & FLAG_SECRET) != 0) return d.text(" (a secret of ").int(cfgValueLength).text(" bytes)");
  if (isNumeric(cfgType)) return d.text(" value ").int(load<i64>(cfgValuePtr));
  return d.text(" value '").raw(cfgValuePtr, cfgValueLength).text("'");
}

/** Is `value` one of the '|'-separated choices? */
function isChoice(valuePtr: usize, valueLength: i32): bool {
  let start = 0;
  for (let i = 0; i <= cfgChoicesLength; i++) {
    if (i < cfgChoicesLength && load<u8>(cfgChoicesPtr + <usize>i) != 0x7c) continue;
    if (i - start == valueLength && memory.compare(cfgChoicesPtr + <usize>start, valuePtr, <usize>valueLength) == 0) return true;
    start = i + 1;
  }
  return false;
}

/** Checks the parsed record's schema and value; the service is named in any error. */
export function checkConfig(servicePtr: usize, serviceLength: i32): i32 {
  const badKey = validateName(cfgKeyPtr, cfgKeyLength, "config key");
  if (badKey < 0) { detail.text(" (service '").raw(servicePtr, serviceLength).text("')"); return badKey; }
  if (cfgType < CONFIG_INT || cfgType > CONFIG_SIZE || (cfgFlags & ~FLAGS_KNOWN) != 0) {
    return sayKey(fail(E_CONFIG_TYPE), servicePtr, serviceLength).text(": type ").int(cfgType).text(" / flags ")
      .int(cfgFlags).text(" is not a known type (int, bool, string, enum, duration, size) and flag set").code();
  }
  if ((cfgFlags & FLAG_REDACTED) != 0) {
    return sayKey(fail(E_CONFIG_VALUE), servicePtr, serviceLength).text(" is redacted (a dump is not loadable)").code();
  }
  if (cfgMin > cfgMax || (cfgType == CONFIG_STRING && (cfgMin < 0 || cfgMax > CONFIG_VALUE_BYTES_MAX))) {
    return sayKey(fail(E_CONFIG_RANGE), servicePtr, serviceLength).text(": range ").int(cfgMin).text("..").int(cfgMax)
      .text(" is empty or outside what ").text(typeName(cfgType)).text(" allows").code();
  }
  if (cfgType == CONFIG_ENUM && cfgChoicesLength == 0) {
    return sayKey(fail(E_CONFIG_TYPE), servicePtr, serviceLength).text(": an enum needs choices").code();
  }
  if (cfgPatternLength > 0) {
    const badPattern = patternCompile(cfgPatternPtr, cfgPatternLength);
    if (badPattern < 0) { detail.text(" (").text("config of service '").raw(servicePtr, serviceLength).text("')"); return badPattern; }
  }
  if ((cfgFlags & FLAG_HAS_VALUE) == 0) {
    if (cfgValueLength != 0) return sayKey(fail(E_CONFIG_VALUE), servicePtr, serviceLength).text(" has value bytes but no value flag").code();
    if ((cfgFlags & FLAG_REQUIRED) != 0) {
      return sayKey(fail(E_CONFIG_REQUIRED), servicePtr, serviceLength).text(" is required and has no value").code();
    }
    return OK;
  }
  return checkValue(servicePtr, serviceLength);
}

function checkValue(servicePtr: usize, serviceLength: i32): i32 {
  if (isNumeric(cfgType)) {
    if (cfgValueLength != 8) return sayKey(fail(E_CONFIG_VALUE), servicePtr, serviceLength).text(": a ").text(typeName(cfgType)).text(" takes 8 bytes, not ").int(cfgValueLength).code();
    const value = load<i64>(cfgValuePtr);
    if (value < cfgMin || value > cfgMax) {
      return sayValue(sayKey(fail(E_CONFIG_RANGE), servicePtr, serviceLength)).text(" is outside ").int(cfgMin).text("..").int(cfgMax).code();
    }
    return OK;
  }
  if (cfgType == CONFIG_BOOL) {
    if (cfgValueLength != 1 || load<u8>(cfgValuePtr) > 1) return sayKey(fail(E_CONFIG_VALUE), servicePtr, serviceLength).text(": a bool is one byte, 0 or 1").code();
    return OK;
  }
  let valuePtr = cfgValuePtr;
  if ((cfgFlags & FLAG_SECRET) != 0) {
    for (let i = 0; i < cfgValueLength; i++) secretScratch[i] = maskByte(load<u8>(cfgValuePtr + <usize>i), i);
    valuePtr = changetype<usize>(secretScratch);
  }
  const result = checkText(valuePtr, servicePtr, serviceLength);
  fillAll(secretScratch, 0);
  return result;
}

function checkText(valuePtr: usize, servicePtr: usize, serviceLength: i32): i32 {
  if (cfgType == CONFIG_ENUM) {
    if (!isChoice(valuePtr, cfgValueLength)) {
      return sayValue(sayKey(fail(E_CONFIG_PATTERN), servicePtr, serviceLength)).text(" is not one of '")
        .raw(cfgChoicesPtr, cfgChoicesLength).text("'").code();
    }
    return OK;
  }
  if (<i64>cfgValueLength < cfgMin || <i64>cfgValueLength > cfgMax) {
    return sayValue(sayKey(fail(E_CONFIG_RANGE), servicePtr, serviceLength)).text(" is ").int(cfgValueLength)
      .text(" bytes; the length must be ").int(cfgMin).text("..").int(cfgMax).code();
  }
  if (cfgPatternLength > 0) {
    patternCompile(cfgPatternPtr, cfgPatternLength); // checked above; the program was reused since
    if (!patternMatches(valuePtr, cfgValueLength)) {
      return sayValue(sayKey(fail(E_CONFIG_PATTERN), servicePtr, serviceLength)).text(" does not match '")
        .raw(cfgPatternPtr, cfgPatternLength).text("'").code();
    }
  }
  return OK;
}

