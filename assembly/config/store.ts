// The config store: an index (service -> its keys) into the current manifest blob, where each
// key's schema and value live, validated. A reload builds the next index from the next blob and
// switches both at once; nothing is copied, nothing allocated. Capacity: CONFIG_KEYS_MAX keys.
import { SERVICES_MAX, CONFIG_KEYS_MAX } from "../limits";
import { TAG_CONFIG } from "../manifest/format";
import { nextRecord, findConfig } from "../manifest/reader";
import { fillAll } from "../util/fill";

/** Offsets (in the current slot) of the CONFIG records, grouped by service. */
const configAt = new StaticArray<i32>(CONFIG_KEYS_MAX);
const configFirst = new StaticArray<i32>(SERVICES_MAX);
const configCount = new StaticArray<u16>(SERVICES_MAX);
let configTotal: i32 = 0;

/** The manifest section of each service in the current slot: [start, end), start -1 when none. */
export const sectionStart = new StaticArray<i32>(SERVICES_MAX);
export const sectionEnd = new StaticArray<i32>(SERVICES_MAX);

export function configKeys(service: i32): i32 { return <i32>configCount[service]; }
export function configRecordAt(service: i32, ordinal: i32): i32 { return configAt[configFirst[service] + ordinal]; }

/** Starts a rebuild (the caller then indexes every service of the new blob, in any order). */
export function configIndexBegin(): void {
  configTotal = 0;
  fillAll(configCount, 0);
  fillAll(sectionStart, -1);
  fillAll(sectionEnd, -1);
}

/** Indexes `service`'s section [from, to) of the blob at ptr; the blob is validated (capacity too). */
export function configIndexService(service: i32, ptr: usize, from: i32, to: i32): void {
  sectionStart[service] = from;
  sectionEnd[service] = to;
  configFirst[service] = configTotal;
  for (let offset = from; offset < to; offset = nextRecord(ptr, offset)) {
    if (load<u8>(ptr + <usize>offset) != TAG_CONFIG) continue;
    configAt[configTotal++] = offset;
    configCount[service]++;
  }
}

/** Forgets a service (it was unregistered). */
export function configForget(service: i32): void {
  configCount[service] = 0;
  sectionStart[service] = -1;
  sectionEnd[service] = -1;
}

/** The record offset of `key` for `service` in the blob at ptr, or -1. */
export function configFind(service: i32, ptr: usize, keyPtr: usize, keyLength: i32): i32 {
  if (sectionStart[service] < 0) return -1;
  return findConfig(ptr, sectionStart[service], sectionEnd[service], keyPtr, keyLength);
}

export function configReset(): void { configIndexBegin(); }

configReset();
