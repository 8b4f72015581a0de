// The balancer's state: one fixed record per instance slot and one per service, reserved at
// init and addressed with named offsets (`load<u32>(slotAt(slot), SLOT_ACTIVE)`), plus each
// service's pool row and the consistent-hash tables. Rows are reset when they are taken
// (members.ts), never scanned on a kernel reset. Callers pass valid slots and services (the
// ABI resolved them), so no access here is bounds-checked.
import {
  SERVICES_MAX, INSTANCES_MAX, INSTANCES_PER_SERVICE_MAX, HASH_TABLES_MAX, HASH_TABLE_SLOTS,
} from "../limits";
import { serviceInstanceSlots } from "../registry/services";
import { WITH_ALL_STRATEGIES } from "../features";

// ---- vocabulary --------------------------------------------------------------------------

export const STRATEGY_ROUND_ROBIN: u8 = 0;
export const STRATEGY_LEAST_CONNECTIONS: u8 = 1;
export const STRATEGY_WEIGHTED_ROUND_ROBIN: u8 = 2;
export const STRATEGY_WEIGHTED_LEAST_CONNECTIONS: u8 = 3;
export const STRATEGY_RANDOM: u8 = 4;
export const STRATEGY_IP_HASH: u8 = 5;
export const STRATEGY_CONSISTENT_HASH: u8 = 6;
export const STRATEGY_FASTEST_RESPONSE: u8 = 7;
export const STRATEGY_HEALTH_BASED: u8 = 8;
export const STRATEGY_COUNT: u8 = 9;

/** Whether this profile has the strategy (the tiny profile: round robin, least connections, health-based). */
export function strategyInProfile(strategy: i32): bool {
  return WITH_ALL_STRATEGIES || strategy == <i32>STRATEGY_ROUND_ROBIN || strategy == <i32>STRATEGY_LEAST_CONNECTIONS
    || strategy == <i32>STRATEGY_HEALTH_BASED;
}

export const HEALTH_UNKNOWN: u8 = 0;
export const HEALTH_HEALTHY: u8 = 1;
export const HEALTH_DEGRADED: u8 = 2;
export const HEALTH_UNHEALTHY: u8 = 3;

/** Taken out of balancing by the operator (also leaves the consistent-hash membership). */
export const FLAG_DISABLED: u8 = 1;
/** Finishing its requests before a stop: no new ones. Cleared when the instance is spawned again. */
export const FLAG_DRAINING: u8 = 2;
/** Held out of picks by a blue-green rollout (the set not switched to), still running; its hash keys go elsewhere too. */
export const FLAG_STANDBY: u8 = 4;
/** A canary of a canary rollout: its class of the split (split.ts). Cleared when the slot joins a service. */
export const FLAG_CANARY: u8 = 32;

export const BREAKER_CLOSED: u8 = 0;
export const BREAKER_OPEN: u8 = 1;
export const BREAKER_HALF_OPEN: u8 = 2;

export const OUTCOME_FAILURE: i32 = 0;
export const OUTCOME_SUCCESS: i32 = 1;
export const OUTCOME_CANCELLED: i32 = 2;

export const NEVER: i64 = i64.MAX_VALUE;
/** SERVICE_WAKE_MS of a stale pool: rebuild at the next pick, whatever the time. */
export const STALE: i64 = i64.MIN_VALUE;


// ---- per instance slot: a 128-byte record -------------------------------------------------
//
//    0 +--------------------------------------------------------------+ kept across runs (reset
//      | picks u64           | successes u64       | failures u64      | when the slot joins a
//   24 | opened u32 | halfOpened u32 | closed u32 | ejections u32     | service)
//   40 | latencyMs f32 (-1: none) | current i32 (smooth WRR)           |
//   48 | weight u16 | poolCum u16 | ordinalCum u16 | isolations u16   |
//   56 | flags u8 | ordinal u8 | health u8 | (spare)                   |
//   64 +--------------------------------------------------------------+ this run (zeroed when
//      | costMs f64 (-1: none) | costStampMs i64                      | the instance is spawned)
//   80 | breakerUntilMs i64    | ejectedUntilMs i64 (0: not ejected)  |
//   96 | windowFailed u64      | windowSlow u64 (bit i: call i)       |
//  112 | active u32 | consecutiveFailures u16 | outlierFailures u16   |
//  120 | inPool u8 | (spare) | breaker u8 | windowCount u8 | windowPos u8 | openStreak u8 |
//      | probesAdmitted u8 | probesPassed u8                           |
//  128 +--------------------------------------------------------------+

export const SLOT_BYTES: i32 = 128;
export const SLOT_PICKS: usize = 0;
export const SLOT_SUCCESSES: usize = 8;
export const SLOT_FAILURES: usize = 16;
export const SLOT_OPENED: usize = 24;
export const SLOT_HALF_OPENED: usize = 28;
export const SLOT_CLOSED: usize = 32;
export const SLOT_EJECTIONS: usize = 36;
/** Smoothed latency, ms: EWMA with weight 1/8 (TCP's SRTT). */
export const SLOT_LATENCY_MS: usize = 40;
/** nginx's current_weight (smooth weighted round robin). */
export const SLOT_CURRENT: usize = 44;
export const SLOT_WEIGHT: usize = 48;
/** Prefix sums of weights: over the pool order (weighted random), over ordinals (IP hash). */
export const SLOT_POOL_CUM: usize = 50;
export const SLOT_ORDINAL_CUM: usize = 52;
/** Manual isolations held: the breaker is held open while > 0. */
export const SLOT_ISOLATIONS: usize = 54;
export const SLOT_FLAGS: usize = 56;
/** The instance's ordinal in its service: its identity for hashing, stable across runs. */
export const SLOT_ORDINAL: usize = 57;
/** Set by the host or the health layer (HEALTH_*), kept until they say otherwise, across runs too. */
export const SLOT_HEALTH: usize = 58;
export const SLOT_RUN: usize = 64;
/** Peak-EWMA latency estimate (ms) and when it was last decayed. */
export const SLOT_COST_MS: usize = 64;
export const SLOT_COST_STAMP_MS: usize = 72;
/** Open: when it turns half-open. Half-open with every probe out: when to give up on them. */
export const SLOT_BREAKER_UNTIL_MS: usize = 80;
export const SLOT_EJECTED_UNTIL_MS: usize = 88;
export const SLOT_WINDOW_FAILED: usize = 96;
export const SLOT_WINDOW_SLOW: usize = 104;
/** Requests picked or started and not yet finished. */
export const SLOT_ACTIVE: usize = 112;
export const SLOT_CONSECUTIVE_FAILURES: usize = 116;
export const SLOT_OUTLIER_FAILURES: usize = 118;
/** In the service's pool as of its last rebuild. */
export const SLOT_IN_POOL: usize = 120;
export const SLOT_BREAKER: usize = 122;
export const SLOT_WINDOW_COUNT: usize = 123;
export const SLOT_WINDOW_POS: usize = 124;
/** Opens since the breaker last closed: the open duration doubles with each (capped). */
export const SLOT_OPEN_STREAK: usize = 125;
/** Half-open: probes admitted in this period, and probes that succeeded. */
export const SLOT_PROBES_ADMITTED: usize = 126;
export const SLOT_PROBES_PASSED: usize = 127;

const slotRecords = new StaticArray<u8>(INSTANCES_MAX * SLOT_BYTES);

@inline export function slotAt(slot: i32): usize { return changetype<usize>(slotRecords) + (<usize>slot << 7); }

// ---- per service: a 128-byte record -------------------------------------------------------
//
//    0 | picks u64 | successes u64 | failures u64 | wakeMs i64 (next time-driven change)
//   32 | noEligible u32 | panicEntries u32 | panicPicks u32 | poolBuilds u32
//   48 | tableBuilds u32 | tableChecksum u32 | weightTotal u32 | ordinalWeightTotal u32
//   64 | decayMs i32 | defaultCostMs i32 | slowCallMs i32 | openMs i32
//   80 | openMaxMs i32 | ejectBaseMs i32 | ejectMaxMs i32 | biasPercent u16 | breakerConsecutive u16
//   96 | ejectConsecutive u16 | strategy u8 | choices u8 | panicPercent u8 | breakerOn u8 |
//  102 | windowSize u8 | minCalls u8 | failureRatePercent u8 | slowRatePercent u8 |
//  106 | halfOpenPermits u8 | ejectMaxPercent u8 | ejected u8 | poolCount u8 | poolPreferred u8 |
//  111 | poolMembers u8 | weightsEqual u8 | panic u8 | halfOpen u8 | cursor u8 | balancedCount u8 |
//  117 | hashTable i8 (-1: none) | hashDirty u8 | ordinalWeightsEqual u8 | ejectConfigured u16 |
//  122 | wrrTable i8 (-1: none) | wrrState u8 | wrrAt u16 | splitShare u8 | splitCredit u8 |

export const SERVICE_BYTES: i32 = 128;
export const SERVICE_PICKS: usize = 0;
export const SERVICE_SUCCESSES: usize = 8;
export const SERVICE_FAILURES: usize = 16;
/** The earliest time-driven change: a breaker may turn half-open, an ejection ends; STALE when
 *  anything the pool depends on changed (the next pick rebuilds the pool); NEVER when neither. */
export const SERVICE_WAKE_MS: usize = 24;
export const SERVICE_NO_ELIGIBLE: usize = 32;
export const SERVICE_PANIC_ENTRIES: usize = 36;
export const SERVICE_PANIC_PICKS: usize = 40;
export const SERVICE_POOL_BUILDS: usize = 44;
export const SERVICE_TABLE_BUILDS: usize = 48;
export const SERVICE_TABLE_CHECKSUM: usize = 52;
export const SERVICE_WEIGHT_TOTAL: usize = 56;
export const SERVICE_ORDINAL_WEIGHT_TOTAL: usize = 60;
export const SERVICE_DECAY_MS: usize = 64;
export const SERVICE_DEFAULT_COST_MS: usize = 68;
export const SERVICE_SLOW_CALL_MS: usize = 72;
export const SERVICE_OPEN_MS: usize = 76;
export const SERVICE_OPEN_MAX_MS: usize = 80;
export const SERVICE_EJECT_BASE_MS: usize = 84;
export const SERVICE_EJECT_MAX_MS: usize = 88;
/** Weighted least connections: Envoy's active_request_bias, in hundredths (100 = 1.0). */
export const SERVICE_BIAS_PERCENT: usize = 92;
export const SERVICE_BREAKER_CONSECUTIVE: usize = 94;
/** Outlier ejection: consecutive failures that eject (0: off); SERVICE_EJECT_CONFIGURED holds the
 *  configured number also while ejection is off (balance/config.ts OUTLIER record). */
export const SERVICE_EJECT_CONSECUTIVE: usize = 96;
export const SERVICE_STRATEGY: usize = 98;
/** Least connections: 0 compares every instance; 2 is power of two choices (Envoy choice_count). */
export const SERVICE_CHOICES: usize = 99;
/** Below this share of available members (per cent), balance across all members (0: never). */
export const SERVICE_PANIC_PERCENT: usize = 100;
export const SERVICE_BREAKER_ON: usize = 101;
export const SERVICE_WINDOW_SIZE: usize = 102;
export const SERVICE_MIN_CALLS: usize = 103;
export const SERVICE_FAILURE_RATE: usize = 104;
export const SERVICE_SLOW_RATE: usize = 105;
export const SERVICE_HALF_OPEN_PERMITS: usize = 106;
export const SERVICE_EJECT_MAX_PERCENT: usize = 107;
/** Instances ejected now (recounted on every pool rebuild). */
export const SERVICE_EJECTED: usize = 108;
/** The pool: its size; health-based: how many of its first entries are healthy. */
export const SERVICE_POOL_COUNT: usize = 109;
export const SERVICE_POOL_PREFERRED: usize = 110;
/** Running, enabled, not draining: what the panic rule balances across. */
export const SERVICE_POOL_MEMBERS: usize = 111;
export const SERVICE_WEIGHTS_EQUAL: usize = 112;
export const SERVICE_PANIC: usize = 113;
/** A pool member's breaker was half-open at the last rebuild (so a pick may take a probe permit). */
export const SERVICE_HALF_OPEN: usize = 114;
/** Rotation point: round robin, ties of least connections, health-based. */
export const SERVICE_CURSOR: usize = 115;
/** The instance count the balancer has set up (new ordinals get fresh records). */
export const SERVICE_BALANCED_COUNT: usize = 116;
export const SERVICE_HASH_TABLE: usize = 117;
export const SERVICE_HASH_DIRTY: usize = 118;
/** IP hash: all the service's instances weigh the same (a pick needs no search). */
export const SERVICE_ORDINAL_WEIGHTS_EQUAL: usize = 119;
export const SERVICE_EJECT_CONFIGURED: usize = 120;
/** Smooth WRR's cycle (balance/cycle.ts): the table holding it, its state, the next entry. */
export const SERVICE_WRR_TABLE: usize = 122;
export const SERVICE_WRR_STATE: usize = 123;
export const SERVICE_WRR_AT: usize = 124;
/** A canary rollout's share of the picks, per cent (0: no split), and the split's counter (split.ts). */
export const SERVICE_SPLIT_SHARE: usize = 126;
export const SERVICE_SPLIT_CREDIT: usize = 127;

const serviceRecords = new StaticArray<u8>(SERVICES_MAX * SERVICE_BYTES);

// A pick reads the fields it needs with two loads, not one each (every load is bounds-checked on
// wasm2c hosts): bytes 92..99 (biasPercent .. choices) and bytes 108..115 (ejected .. cursor).
export const SERVICE_OPTIONS_WORD: usize = 92;
export const SERVICE_POOL_WORD: usize = 108;

/** The u8 at record offset `offset` from `value`, the u64 loaded at record offset `word`. */
@inline export function byteIn(value: u64, word: usize, offset: usize): i32 {
  return <i32>(<u8>(value >> (<u64>(offset - word) << 3)));
}

@inline export function serviceAt(service: i32): usize {
  return changetype<usize>(serviceRecords) + (<usize>service << 7);
}

/** The slot of instance `ordinal` of a service (the registry's row, read without a bounds check). */
@inline export function slotOfOrdinal(service: i32, ordinal: i32): i32 {
  return <i32>unchecked(serviceInstanceSlots[service * INSTANCES_PER_SERVICE_MAX + ordinal]);
}

@inline export function strategyOf(service: i32): u8 { return load<u8>(serviceAt(service), SERVICE_STRATEGY); }
@inline export function markStale(service: i32): void { store<i64>(serviceAt(service), STALE, SERVICE_WAKE_MS); }
@inline export function markMembershipChanged(service: i32): void {
  const record = serviceAt(service);
  store<i64>(record, STALE, SERVICE_WAKE_MS);
  store<u8>(record, 1, SERVICE_HASH_DIRTY);
}

// ---- pools and hash tables ----------------------------------------------------------------

/** Each service's pool: a row of INSTANCES_PER_SERVICE_MAX slots, the first poolCount used. */
const poolSlots = new StaticArray<u16>(SERVICES_MAX * INSTANCES_PER_SERVICE_MAX);

@inline export function poolRowAt(service: i32): usize {
  return changetype<usize>(poolSlots) + (<usize>(service * INSTANCES_PER_SERVICE_MAX) << 1);
}
@inline export function poolSlotAt(service: i32, position: i32): i32 {
  return <i32>load<u16>(poolRowAt(service) + (<usize>position << 1));
}

/** Which service holds each table (-1: free; a table its holder let go of is free too). */
export const hashTableOwner = new StaticArray<i16>(HASH_TABLES_MAX);
/** HASH_TABLES_MAX tables of HASH_TABLE_SLOTS instance ordinals. */
const hashTables = new StaticArray<u8>(HASH_TABLES_MAX * HASH_TABLE_SLOTS);

@inline export function hashTableAt(table: i32): usize {
  return changetype<usize>(hashTables) + <usize>(table * HASH_TABLE_SLOTS);
}

assert(SERVICE_BIAS_PERCENT == SERVICE_OPTIONS_WORD, "a pick reads biasPercent as the options word's low 16 bits");
assert(SLOT_BYTES == 1 << 7 && SERVICE_BYTES == 1 << 7, "records are addressed with a shift by 7");
