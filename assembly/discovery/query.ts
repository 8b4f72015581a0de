// Discovery queries: services by name pattern, type, state, health and tags (all of them), in
// id order, and a bounded TTL cache of their results. A cached answer is served only while the
// registry generation it was computed at is current (and the status generation too, when the
// query filters by state or health) and its TTL has not run out; a full cache replaces its least
// recently used entry. Memory is fixed: DISCOVERY_CACHE_ENTRIES rows of SERVICES_MAX ids.
import {
  SERVICES_MAX, DISCOVERY_CACHE_ENTRIES, DISCOVERY_CACHE_TTL_MS_DEFAULT, PATTERN_BYTES_MAX, DISCOVERY_SERVICES,
} from "../limits";
import { serviceUsed, serviceNames, serviceType, serviceState, serviceTags } from "../registry/services";
import { registryGeneration, statusGeneration } from "../registry/generation";
import { clockNow } from "../clock";
import { patternCompile, patternMatches } from "./pattern";
import { serviceHealth } from "./health";
import { fillAll } from "../util/fill";

export const ANY: i32 = -1;

const entryUsed = new StaticArray<bool>(DISCOVERY_CACHE_ENTRIES);
const entryGeneration = new StaticArray<u32>(DISCOVERY_CACHE_ENTRIES);
const entryStatus = new StaticArray<u32>(DISCOVERY_CACHE_ENTRIES);
const entryExpires = new StaticArray<i64>(DISCOVERY_CACHE_ENTRIES);
const entryLastUse = new StaticArray<u32>(DISCOVERY_CACHE_ENTRIES);
const entryPattern = new StaticArray<u8>(DISCOVERY_CACHE_ENTRIES * PATTERN_BYTES_MAX);
const entryPatternLength = new StaticArray<i32>(DISCOVERY_CACHE_ENTRIES);
const entryFilters = new StaticArray<i32>(DISCOVERY_CACHE_ENTRIES * 3);
const entryTags = new StaticArray<u64>(DISCOVERY_CACHE_ENTRIES);
const entryCount = new StaticArray<i32>(DISCOVERY_CACHE_ENTRIES);
const entryIds = new StaticArray<u16>(DISCOVERY_CACHE_ENTRIES * SERVICES_MAX);
const scratchIds = new StaticArray<u16>(DISCOVERY_SERVICES);
let useClock: u32 = 0;
let ttlMs: i32 = DISCOVERY_CACHE_TTL_MS_DEFAULT;

export let cacheHits: u32 = 0;
export let cacheMisses: u32 = 0;
export let cacheEvictions: u32 = 0;
export let cacheStale: u32 = 0;

export function cacheTtlSet(ms: i32): void { ttlMs = ms; cacheClear(); }
export function cacheEntriesUsed(): i32 { let n = 0; for (let i = 0; i < DISCOVERY_CACHE_ENTRIES; i++) if (entryUsed[i]) n++; return n; }

@inline function patternAt(entry: i32): usize { return changetype<usize>(entryPattern) + <usize>(entry * PATTERN_BYTES_MAX); }

function sameQuery(entry: i32, ptr: usize, len: i32, type: i32, state: i32, health: i32, tags: u64): bool {
  return entryUsed[entry] && entryPatternLength[entry] == len && entryFilters[entry * 3] == type
    && entryFilters[entry * 3 + 1] == state && entryFilters[entry * 3 + 2] == health && entryTags[entry] == tags
    && memory.compare(patternAt(entry), ptr, <usize>len) == 0;
}

function fresh(entry: i32, dynamic: bool): bool {
  return entryGeneration[entry] == registryGeneration() && (!dynamic || entryStatus[entry] == statusGeneration())
    && clockNow() < entryExpires[entry];
}

/**
 * Runs a query (pattern at ptr; empty: every name) and writes the ids
 * (u16) to `dst`; returns the count. `ANY` disables a filter; tags: every bit must be set.
 */
export function query(ptr: usize, len: i32, type: i32, state: i32, health: i32, tags: u64, dst: usize): i32 {
  const dynamic = state != ANY || health != ANY;
  let entry = -1;
  if (ttlMs > 0) {
    for (let i = 0; i < DISCOVERY_CACHE_ENTRIES; i++) if (sameQuery(i, ptr, len, type, state, health, tags)) { entry = i; break; }
  }
  if (entry >= 0 && fresh(entry, dynamic)) {
    cacheHits++;
    entryLastUse[entry] = ++useClock;
    memory.copy(dst, changetype<usize>(entryIds) + <usize>(entry * SERVICES_MAX * 2), <usize>(entryCount[entry] * 2));
    return entryCount[entry];
  }
  if (len > 0) {
    const bad = patternCompile(ptr, len);
    if (bad < 0) return bad;
  }
  if (entry >= 0) cacheStale++;
  cacheMisses++;
  const ids = changetype<usize>(scratchIds);
  const count = evaluate(len, type, state, health, tags, ids);
  if (ttlMs > 0) remember(entry, ptr, len, type, state, health, tags, ids, count);
  memory.copy(dst, ids, <usize>(count * 2)); // dst may overlap the pattern: copy last
  return count;
}

function evaluate(len: i32, type: i32, state: i32, health: i32, tags: u64, dst: usize): i32 {
  let count = 0;
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!serviceUsed[id]) continue;
    if (type != ANY && <i32>serviceType[id] != type) continue;
    if (state != ANY && <i32>serviceState[id] != state) continue;
    if (health != ANY && <i32>serviceHealth[id] != health) continue;
    if ((serviceTags[id] & tags) != tags) continue;
    if (len > 0 && !patternMatches(serviceNames.namePtr(id), serviceNames.nameLength(id))) continue;
    store<u16>(dst + <usize>(2 * count++), <u16>id);
  }
  return count;
}

function remember(entry: i32, ptr: usize, len: i32, type: i32, state: i32, health: i32, tags: u64, ids: usize, count: i32): void {
  if (entry < 0) entry = victim();
  entryUsed[entry] = true;
  entryGeneration[entry] = registryGeneration();
  entryStatus[entry] = statusGeneration();
  entryExpires[entry] = clockNow() + <i64>ttlMs;
  entryLastUse[entry] = ++useClock;
  memory.copy(patternAt(entry), ptr, <usize>len);
  entryPatternLength[entry] = len;
  entryFilters[entry * 3] = type;
  entryFilters[entry * 3 + 1] = state;
  entryFilters[entry * 3 + 2] = health;
  entryTags[entry] = tags;
  entryCount[entry] = count;
  memory.copy(changetype<usize>(entryIds) + <usize>(entry * SERVICES_MAX * 2), ids, <usize>(count * 2));
}

/** A free entry, or the least recently used one (counted as an eviction). */
function victim(): i32 {
  let oldest = 0;
  for (let i = 0; i < DISCOVERY_CACHE_ENTRIES; i++) {
    if (!entryUsed[i]) return i;
    if (entryLastUse[i] < entryLastUse[oldest]) oldest = i;
  }
  cacheEvictions++;
  return oldest;
}

export function cacheClear(): void { fillAll(entryUsed, false); }

export function queryReset(): void {
  cacheClear();
  ttlMs = DISCOVERY_CACHE_TTL_MS_DEFAULT;
  cacheHits = 0; cacheMisses = 0; cacheEvictions = 0; cacheStale = 0; useClock = 0;
}
