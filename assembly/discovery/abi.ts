// Discovery exports (re-exported by index.ts). Patterns and text travel through the I/O buffer.
import { IO_BUFFER_BYTES } from "../limits";
import { E_IO_LENGTH, E_INVALID_ARGUMENT, E_UNKNOWN_TAG } from "../errors";
import { ioPtr, ioFits } from "../io";
import { fail } from "../util/detail";
import { checkService } from "../registry/services";
import { tagFind } from "../registry/tags";
import { validateName } from "../registry/names";
import { registryGeneration } from "../registry/generation";
import { firstDependency, edgeNextOut, edgeTo, edgeKind, edgeCondition, NO_EDGE } from "../graph/edges";
import { clockRefresh } from "../clock";
import { patternCompile, patternMatches, patternSteps } from "./pattern";
import { query, cacheTtlSet, cacheHits, cacheMisses, cacheEvictions, cacheStale, cacheEntriesUsed } from "./query";
import { subscribe, unsubscribe, checkSubscription, subscriptionMembers } from "./subscriptions";
import { serviceHealth, discoveryHealthChanged, HEALTH_UNHEALTHY } from "./health";

function inBuffer(offset: i32, len: i32): i32 {
  if (ioFits(offset, len)) return len;
  return fail(E_IO_LENGTH).text("length ").int(len).text(" at offset ").int(offset).text(" is outside the ")
    .int(IO_BUFFER_BYTES).text("-byte I/O buffer").code();
}

/**
 * Services matching a pattern (in the buffer; length 0: any name) and filters (-1: any):
 * type (0 system, 1 user), state (STATE_*), health (0 unknown, 1 healthy, 2 unhealthy), and tags
 * (a mask of tag ids, every one required). Writes u16 ids, ascending; returns the count.
 */
export function discoveryQuery(patternLength: i32, type: i32, state: i32, health: i32, tags: u64): i32 {
  clockRefresh();
  const len = inBuffer(0, patternLength);
  if (len < 0) return len;
  return query(ioPtr(), len, type, state, health, tags, ioPtr());
}

/** Compiles the pattern at [0, patternLength) and matches it against the text right after it: 1 or 0. */
export function discoveryPatternTest(patternLength: i32, textLength: i32): i32 {
  const bad = inBuffer(0, patternLength) < 0 ? E_IO_LENGTH : inBuffer(patternLength, textLength);
  if (bad < 0) return bad;
  const compiled = patternCompile(ioPtr(), patternLength);
  if (compiled < 0) return compiled;
  return patternMatches(ioPtr() + <usize>patternLength, textLength) ? 1 : 0;
}

/** NFA steps of the last match (the linear-time proof: at most states x (text + 1) x 2). */
export function discoveryPatternSteps(): u32 { return patternSteps(); }

/** Subscribes a pattern (buffer) with a type (-1 any) and tags (all of); returns the subscription id. */
export function discoverySubscribe(patternLength: i32, type: i32, tags: u64): i32 {
  const len = inBuffer(0, patternLength);
  if (len < 0) return len;
  return subscribe(ioPtr(), len, type, tags);
}

export function discoveryUnsubscribe(subscription: i32): i32 { return unsubscribe(subscription); }

/** The subscription's current members as u16 ids in the buffer; returns the count. */
export function discoverySubscriptionMembers(subscription: i32): i32 {
  const bad = checkSubscription(subscription);
  return bad < 0 ? bad : subscriptionMembers(subscription, ioPtr(), IO_BUFFER_BYTES / 2);
}

/** Sets the cache TTL (ms; 0 turns the cache off) and empties the cache. */
export function discoveryCacheTtl(ms: i32): i32 {
  if (ms < 0) return fail(E_INVALID_ARGUMENT).text("cache TTL ").int(ms).text(" ms is negative").code();
  cacheTtlSet(ms);
  return 0;
}

export const DISCOVERY_COUNTER_HITS: i32 = 0;
export const DISCOVERY_COUNTER_MISSES: i32 = 1;
export const DISCOVERY_COUNTER_EVICTIONS: i32 = 2;
export const DISCOVERY_COUNTER_STALE: i32 = 3;
export const DISCOVERY_COUNTER_ENTRIES: i32 = 4;
export const DISCOVERY_COUNTER_GENERATION: i32 = 5;

export function discoveryCounter(which: i32): u32 {
  if (which == DISCOVERY_COUNTER_HITS) return cacheHits;
  if (which == DISCOVERY_COUNTER_MISSES) return cacheMisses;
  if (which == DISCOVERY_COUNTER_EVICTIONS) return cacheEvictions;
  if (which == DISCOVERY_COUNTER_STALE) return cacheStale;
  if (which == DISCOVERY_COUNTER_ENTRIES) return <u32>cacheEntriesUsed();
  if (which == DISCOVERY_COUNTER_GENERATION) return registryGeneration();
  return 0;
}

/** Reports a service's health to discovery (the health layer does this itself; hosts may too). */
export function discoveryHealthSet(id: i32, health: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  if (health < 0 || health > <i32>HEALTH_UNHEALTHY) {
    return fail(E_INVALID_ARGUMENT).text("health ").int(health).text(" is not unknown (0), healthy (1) or unhealthy (2)").code();
  }
  clockRefresh();
  discoveryHealthChanged(id, <u8>health);
  return 0;
}

export function discoveryHealth(id: i32): i32 { const bad = checkService(id); return bad < 0 ? bad : serviceHealth[id]; }

/** The id of the tag named by the buffer (for query and subscription tag masks). */
export function tagLookup(nameLength: i32): i32 {
  const len = inBuffer(0, nameLength);
  if (len < 0) return len;
  const bad = validateName(ioPtr(), len, "tag");
  if (bad < 0) return bad;
  const tag = tagFind(ioPtr(), len);
  if (tag < 0) return fail(E_UNKNOWN_TAG).text("no service has tag '").raw(ioPtr(), len).text("'").code();
  return tag;
}

/** The service's dependencies as (u16 id, u8 kind, u8 condition) records; returns the count. */
export function discoveryDependencies(id: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  let n = 0;
  for (let e = firstDependency[id]; e != NO_EDGE && n < IO_BUFFER_BYTES / 4; e = edgeNextOut[e]) {
    const at = ioPtr() + <usize>(4 * n++);
    store<u16>(at, edgeTo[e]);
    store<u8>(at, edgeKind[e], 2);
    store<u8>(at, edgeCondition[e], 3);
  }
  return n;
}

