// Capacities of the build profile: every table the kernel owns is reserved once, at init,
// from the numbers below. A firmware developer picks a profile and gets a known RAM bill
// (see README "Build profiles"); running out of any of them is an error code, never a trap.
//
// The profile is chosen at compile time with `--use MYCO_PROFILE=<n>` (asconfig.json targets).
// A profile may also leave an optional layer out with `--use FEATURE_<LAYER>=0` (features.ts):
// the capacities of that layer's tables are then 0, so it costs no memory (see README "Build
// profiles"). Today: FEATURE_DISCOVERY (SUBSCRIPTIONS_MAX, DISCOVERY_CACHE_ENTRIES, DISCOVERY_SERVICES).
import { WITH_DISCOVERY, WITH_PLACEMENT, WITH_ROLLOUT, WITH_RESOURCES, WITH_COMPAT } from "./features";
import { WITH_SECURITY } from "./features";

export const PROFILE_RELEASE: i32 = 0;
export const PROFILE_MCU: i32 = 1;
export const PROFILE_BENCH: i32 = 2;
/** The smallest module (issue 16): the mcu profile's tables, only the layers a sensor node needs, no f64, no sentences. */
export const PROFILE_TINY: i32 = 3;
/** A fleet coordinator: the bench profile's tables, and placement for thousands of nodes and a million instances. */
export const PROFILE_FLEET: i32 = 4;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`; release when absent (as-pect specs).
export const PROFILE: i32 = isDefined(MYCO_PROFILE) ? MYCO_PROFILE : PROFILE_RELEASE;

@inline function pick(release: i32, mcu: i32, bench: i32): i32 {
  return PROFILE == PROFILE_MCU || PROFILE == PROFILE_TINY ? mcu : PROFILE == PROFILE_BENCH || PROFILE == PROFILE_FLEET ? bench : release;
}

/**
 * The tiny profile has the mcu profile's capacities, written as `TINY ? mcu : pick(...)`: asc folds
 * a ternary on a constant into a constant global, but not an inlined call, so through `pick` every
 * capacity is a global set by the start function and read at each use; as constants they fold into
 * the code (597 bytes less tiny.wasm). The other profiles keep `pick`, their modules byte for byte.
 */
const TINY: bool = PROFILE == PROFILE_TINY;

/** Services the registry holds. 16 fits a sensor node; 128 a gateway; 8192 is the ordering benchmark's N. */
export const SERVICES_MAX: i32 = TINY ? 16 : pick(128, 16, 8192);

/** Instances across all services (each costs ~24 bytes plus a timer slot). */
export const INSTANCES_MAX: i32 = TINY ? 32 : pick(512, 32, 16384);

/** Instances one service may own: bounds a service's slot row (2 bytes each). */
export const INSTANCES_PER_SERVICE_MAX: i32 = TINY ? 8 : pick(64, 8, 64);

/** Dependency edges (requires/wants/after), ~4 per service plus headroom; 20 bytes each. */
export const EDGES_MAX: i32 = TINY ? 64 : pick(1024, 64, 40960);

/** Distinct tags; a service's tags are a bit set, so at most 64. */
export const TAGS_MAX: i32 = TINY ? 16 : pick(64, 16, 64);

/** Bytes of a service or tag name. Long enough for `telemetry-uplink-eu-west-2`. */
export const NAME_BYTES_MAX: i32 = 32;

/** Event log ring (32 bytes a record), a power of two. Old records are overwritten and counted. */
export const EVENT_LOG_CAPACITY: i32 = TINY ? 64 : pick(512, 64, 16384);

/** Outbox ring (16 bytes an action), a power of two. A full outbox defers work, never drops it. */
export const OUTBOX_CAPACITY: i32 = TINY ? 64 : pick(256, 64, 32768);

/** The one byte buffer shared with the host: names in; order, events, actions, messages out. */
export const IO_BUFFER_BYTES: i32 = TINY ? 1024 : pick(8192, 1024, 131072);

/** Human-readable detail of the last error (names the service, field and value). */
export const ERROR_DETAIL_BYTES: i32 = TINY ? 160 : pick(512, 160, 512);

/** Timers: see TIMERS_MAX in "health and recovery" below (it counts the health checks). */

/** Open-addressing name index: a power of two at least twice the services (load ≤ 50 %). */
export const NAME_INDEX_SLOTS: i32 = TINY ? 32 : pick(256, 32, 16384);

/** The longest duration any setting may hold (a day). Defaults: defaults.ts. */
export const TIMEOUT_MS_MAX: i32 = 86_400_000;

// How the constants relate; a violation stops the build's first run, not a device in the field.
@inline function isPowerOfTwo(n: i32): bool { return n > 0 && (n & (n - 1)) == 0; }
assert(isPowerOfTwo(EVENT_LOG_CAPACITY), "EVENT_LOG_CAPACITY must be a power of two");
assert(isPowerOfTwo(OUTBOX_CAPACITY), "OUTBOX_CAPACITY must be a power of two");
assert(isPowerOfTwo(NAME_INDEX_SLOTS) && NAME_INDEX_SLOTS >= 2 * SERVICES_MAX, "NAME_INDEX_SLOTS");
assert(TAGS_MAX <= 64, "tags are a 64-bit set");
assert(SERVICES_MAX < 0xFFFF && INSTANCES_MAX < 0xFFFF, "ids are stored in 16 bits");
assert(INSTANCES_PER_SERVICE_MAX <= INSTANCES_MAX, "INSTANCES_PER_SERVICE_MAX");
assert(IO_BUFFER_BYTES >= 4 * SERVICES_MAX, "the order result (id, wave) must fit the I/O buffer");

// ---- configuration and discovery ----

/**
 * Bytes of one manifest blob. The kernel keeps three slots (staging, current, previous for
 * rollback), so the bill is 3x this. A 16-service sensor node compiles to ~1.5 KB; a gateway
 * with 128 services and config needs ~8 KB.
 */
export const MANIFEST_BYTES_MAX: i32 = TINY ? 1536 : pick(8192, 1536, 65536);

/** Config keys across all services (an index of 8 bytes each into the current blob). 32 on mcu:
 *  two a service for its 16 services, and its one page has no bytes to spare. */
export const CONFIG_KEYS_MAX: i32 = TINY ? 32 : pick(512, 32, 16384);

/** Config keys one service may declare. */
export const CONFIG_KEYS_PER_SERVICE_MAX: i32 = 32;

/** Bytes of a string config value, an enum choice list, or an instance address. */
export const CONFIG_VALUE_BYTES_MAX: i32 = 255;

/** Bytes of a discovery pattern (with its `glob:` / `regex:` prefix). */
export const PATTERN_BYTES_MAX: i32 = TINY ? 48 : pick(128, 48, 128);

/**
 * NFA states of a compiled pattern. Every pattern byte makes at most two states (a literal and
 * a split) plus one per group, so 3x the pattern bytes is enough; matching costs at most
 * PATTERN_STATES_MAX steps per input byte (the linear-time bound).
 */
export const PATTERN_STATES_MAX: i32 = 3 * PATTERN_BYTES_MAX + 8;

/** Character classes of one pattern ([a-z], \d, ...), 32 bytes each. */
export const PATTERN_CLASSES_MAX: i32 = 16;

/** Pattern query results kept in the TTL cache (each a row of SERVICES_MAX u16 ids); 0 without discovery. */
export const DISCOVERY_CACHE_ENTRIES: i32 = WITH_DISCOVERY ? pick(8, 2, 8) : 0;

/** Services discovery keeps a row for (its view of their health): all of them, or 0 without discovery. */
export const DISCOVERY_SERVICES: i32 = WITH_DISCOVERY ? SERVICES_MAX : 0;

/** How long a cached query result may be served (any registry change invalidates it sooner). */
export const DISCOVERY_CACHE_TTL_MS_DEFAULT: i32 = 1_000;

/** Pattern subscriptions the host may hold (each keeps its pattern and a membership bit set); 0 without discovery. */
export const SUBSCRIPTIONS_MAX: i32 = WITH_DISCOVERY ? pick(16, 4, 16) : 0;

assert(MANIFEST_BYTES_MAX <= 0x7fff_ffff && MANIFEST_BYTES_MAX >= 256, "MANIFEST_BYTES_MAX");
assert(PATTERN_STATES_MAX < 0xFFFF, "NFA state ids are stored in 16 bits");
assert(CONFIG_KEYS_PER_SERVICE_MAX <= CONFIG_KEYS_MAX, "CONFIG_KEYS_PER_SERVICE_MAX");

// ---- load balancing ----

/**
 * Largest load-balancing weight of an instance (default 1). With at most
 * INSTANCES_PER_SERVICE_MAX instances the sum of a pool's weights fits 16 bits, so the prefix
 * sums behind weighted random and IP hash are u16 columns (2 bytes an instance each).
 */
export const BALANCE_WEIGHT_MAX: i32 = 1000;

/**
 * Positions of one consistent-hash lookup table, a prime like Maglev's (65537 is Envoy's
 * default). Each member owns ~SLOTS/N positions, so its share of the hash space is within
 * ~1.6 % (N = 16) to ~3 % (N = 64) of 1/N (one standard deviation), well under the sampling
 * noise of 10,000 keys. One byte a position (an instance ordinal): 64 KiB a table; the MCU's
 * 1021 positions still give each of its at most 8 instances ~128 of them (1 KiB, one table).
 */
export const HASH_TABLE_SLOTS: i32 = TINY ? 1021 : pick(65537, 1021, 65537);

/** Services that may use consistent hashing at once (each holds one table). */
export const HASH_TABLES_MAX: i32 = TINY ? 1 : pick(2, 1, 8);

/**
 * Smooth weighted round robin keeps each service's pick sequence as a precomputed cycle (one
 * byte a pick: a pool position), so a pick reads one entry instead of scanning the pool. A
 * cycle is as long as the pool's total weight (plus a lead-in of whole periods after a pool
 * change); longer ones, and services beyond the tables, use the scan. Tables are shared like
 * the consistent-hash tables; none in the mcu profile.
 */
export const WRR_TABLES_MAX: i32 = PROFILE == PROFILE_MCU || PROFILE == PROFILE_TINY ? 0 : 4;
export const WRR_CYCLE_MAX: i32 = PROFILE == PROFILE_MCU || PROFILE == PROFILE_TINY ? 0 : 512;

/**
 * Buckets of a weighted pick's guide table (balance/guide.ts): a weighted random or IP hash pick
 * starts its walk over the prefix sums at its draw's bucket instead of searching them. Two
 * tables of one byte a bucket per service; none in the mcu and tiny profiles (binary search).
 */
export const PICK_GUIDE_BUCKETS: i32 = PROFILE == PROFILE_MCU || PROFILE == PROFILE_TINY ? 0 : 64;
assert(PICK_GUIDE_BUCKETS == 0 || (isPowerOfTwo(PICK_GUIDE_BUCKETS) && INSTANCES_PER_SERVICE_MAX <= 256), "guide tables: a power of two of buckets, a byte an entry");

/** Calls a circuit breaker's sliding window can hold: a 64-bit set of outcomes per instance. */
export const BREAKER_WINDOW_MAX: i32 = 64;

/** Probes a half-open breaker may admit at once (a u8 counter). */
export const BREAKER_PERMITS_MAX: i32 = 255;

/**
 * Random draws the balancer takes from its generator before it reseeds it from the HAL. A call
 * out of the module costs ~100x a draw (V8: ~200 ns), so a reseed every 1024 draws keeps a
 * random pick within a few per cent of a round-robin one.
 */
export const RANDOM_RESEED_DRAWS: i32 = 1024;

assert(BALANCE_WEIGHT_MAX * INSTANCES_PER_SERVICE_MAX <= 0xFFFF, "pool weight sums are stored in 16 bits");
assert(INSTANCES_PER_SERVICE_MAX <= 255, "consistent-hash tables store instance ordinals in a byte");
assert(WRR_TABLES_MAX <= 127 && WRR_CYCLE_MAX <= 0xFFFF && INSTANCES_PER_SERVICE_MAX <= 256, "WRR cycles store pool positions in a byte");
assert(HASH_TABLES_MAX <= 255 && HASH_TABLE_SLOTS > 4 * INSTANCES_PER_SERVICE_MAX, "HASH_TABLE_SLOTS");

// ---- health and recovery ----

/** Health checks across all services, a pool (~32 bytes and a timer slot each). */
export const CHECKS_MAX: i32 = TINY ? 16 : pick(128, 16, 8192);

/** Checks one service may own: Kubernetes' three probes (startup, liveness, readiness) and a spare. */
export const CHECKS_PER_SERVICE_MAX: i32 = TINY ? 3 : pick(4, 3, 2);

// ---- running resize and rollouts (lifecycle/resize.ts, assembly/rollout/; FEATURE_ROLLOUT, not in mcu) ----

/** Services and instance slots with a resize/rollout row; 0 without the feature (the mcu page has no byte spare). */
export const ROLLOUT_SERVICES: i32 = WITH_ROLLOUT ? SERVICES_MAX : 0;
export const ROLLOUT_INSTANCES: i32 = WITH_ROLLOUT ? INSTANCES_MAX : 0;

/**
 * Revisions remembered per service (3 bytes each), like Kubernetes' revisionHistoryLimit (10):
 * `undo` reaches any of them; the stable revision and the one in progress are never dropped.
 */
export const ROLLOUT_HISTORY: i32 = WITH_ROLLOUT ? pick(10, 0, 4) : 0;

/**
 * Timers armed at once (10 bytes each): one per instance, one per service (recovery: restart
 * delay, deferred recovery work) and one per health check (next round, round timeout).
 */
export const TIMERS_MAX: i32 = INSTANCES_MAX + SERVICES_MAX + CHECKS_MAX + 2 * ROLLOUT_SERVICES;

/**
 * Timer ids (2 bytes each), one per owner so that no layer asks another why a timer fired: an
 * instance has three (the lifecycle's start/stop deadline, health's watchdog or scheduled kill,
 * recovery's restart delay), at most one armed at a time (see timers/heap.ts); with rollouts a
 * service has two more (the lifecycle's drain deadline, the rollout's next step).
 */
export const TIMER_IDS: i32 = 3 * INSTANCES_MAX + SERVICES_MAX + CHECKS_MAX + 2 * ROLLOUT_SERVICES;

/** Check results remembered per service (8 bytes each): the history ring's N. */
export const HEALTH_HISTORY: i32 = TINY ? 4 : pick(8, 4, 2);

/** Buckets of the availability window (8 bytes each per service): the window slides by 1/B. */
export const AVAILABILITY_BUCKETS: i32 = TINY ? 4 : pick(4, 4, 2);

/**
 * Timestamps a sliding-window counter keeps per service (4 bytes each; three counters: restart
 * intensity, crash loop, flapping). It bounds R, K and F: "at most R restarts in T" needs R stamps.
 */
export const WINDOW_SLOTS: i32 = TINY ? 6 : pick(8, 6, 5);

/** Success and failure thresholds (Kubernetes allows any; past this a typo is likelier than intent). */
export const THRESHOLD_MAX: i32 = 100;

assert(CHECKS_PER_SERVICE_MAX <= 8, "pending checks of an instance are an 8-bit set");
assert(TIMER_IDS <= 0x10000 && TIMERS_MAX < 0xFFFF, "timer ids and heap positions are stored in 16 bits");
assert(WINDOW_SLOTS <= 255 && HEALTH_HISTORY <= 255, "ring positions are stored in 8 bits");

// ---- alert notification (assembly/alerts/) ----

/**
 * The alert notification layer is compiled into every profile but mcu: the mcu profile's one
 * page had 304 bytes free before it, and the layer's tables take ~1.7 KB. Every call site tests
 * this constant, so the mcu module holds none of the layer (its exports answer an error).
 */
export const ALERTS_ENABLED: bool = PROFILE != PROFILE_MCU && PROFILE != PROFILE_TINY;

/** Receivers an `alerts:` section may name (webhook, command, log: the host knows which). ~16 bytes each. */
export const ALERT_RECEIVERS_MAX: i32 = TINY ? 4 : pick(8, 4, 8);

/** Routes, tried in order; the first that matches an alert takes it. ~24 bytes each. */
export const ALERT_ROUTES_MAX: i32 = TINY ? 4 : pick(16, 4, 16);

/** Silences in force at once (a service, or every service, until a time). ~16 bytes each. */
export const ALERT_SILENCES_MAX: i32 = TINY ? 4 : pick(16, 4, 16);

/** Notification groups: one per (route, service) with alerts not yet resolved and delivered. ~40 bytes each. */
export const ALERT_GROUPS_MAX: i32 = TINY ? 8 : pick(32, 8, 64);

// ---- fleet placement (assembly/placement/; FEATURE_PLACEMENT, not in the mcu profile) ----

/** Fleet nodes a coordinator places onto (~90 bytes each); 0 without placement. */
export const PLACEMENT_NODES_MAX: i32 = WITH_PLACEMENT ? (PROFILE == PROFILE_FLEET ? 10240 : pick(32, 0, 1024)) : 0;

/** Placed instances across the fleet (an assignment: service and node, 4 bytes); 0 without placement. */
export const PLACEMENT_SLOTS_MAX: i32 = WITH_PLACEMENT ? (PROFILE == PROFILE_FLEET ? 1 << 20 : pick(512, 0, 16384)) : 0;

/** Distinct node labels (`key=value`, interned); a node's labels and a rule's are a 64-bit set. */
export const PLACEMENT_LABELS_MAX: i32 = WITH_PLACEMENT ? pick(32, 0, 64) : 0;

/** Placement reservations waiting for their commit at once (two-phase placement); 0 without placement. */
export const PLACEMENT_RESERVATIONS_MAX: i32 = WITH_PLACEMENT ? pick(16, 0, 256) : 0;

/** Services with a placement spec: every registered service, or 0 without placement. */
export const PLACEMENT_SERVICES: i32 = WITH_PLACEMENT ? SERVICES_MAX : 0;

assert(!WITH_ROLLOUT || ROLLOUT_HISTORY >= 2, "a history keeps the stable revision and the one in progress");
assert(PLACEMENT_NODES_MAX < 0xFFFF && PLACEMENT_SERVICES < 0xFFFF, "node and service ids are stored in 16 bits in the assignment table");
assert(PLACEMENT_LABELS_MAX <= 64, "labels are a 64-bit set");

// ---- access control (assembly/security/; FEATURE_SECURITY, not in the mcu and tiny profiles) ----

/** Principals the control interface knows (a name, a role and a capability set: ~42 bytes each with their index); 0 without security. */
export const PRINCIPALS_MAX: i32 = WITH_SECURITY ? pick(16, 0, 64) : 0;

assert(PRINCIPALS_MAX <= 255, "principal ids travel in the audit event's instance field and a u8 role");

// ---- one node's resources (assembly/resources/; FEATURE_RESOURCES, not in mcu or tiny) ----

/** Services with resource rows (requests, limits, what they hold: ~110 bytes each); 0 without the layer. */
export const RESOURCE_SERVICES: i32 = WITH_RESOURCES ? SERVICES_MAX : 0;

/** Instances with a usage row (since when over a limit: 9 bytes each); 0 without the layer. */
export const RESOURCE_INSTANCES: i32 = WITH_RESOURCES ? INSTANCES_MAX : 0;

/** Named specialised units of the node (`radio`, `gpio-bank-a`); a service's units are a 16-bit set. */
export const RESOURCE_UNITS_MAX: i32 = WITH_RESOURCES ? 16 : 0;

/** Explicit two-phase reservations held at once (reserve, then commit or release; ~24 bytes each). */
export const RESERVATIONS_MAX: i32 = WITH_RESOURCES ? pick(16, 0, 64) : 0;

assert(RESOURCE_UNITS_MAX <= 16, "a service's units are a 16-bit set");

// ---- version constraints (assembly/rollout/compat.ts; FEATURE_COMPAT, not in mcu or tiny) ----

/**
 * Version constraints (one dependant, one dependency, one interval: 24 bytes each) across all
 * services: a manifest with more is refused (E_CAPACITY_CONSTRAINTS). 64 covers a gateway whose
 * every second service pins one dependency; the bench profile's 1024 a large fleet node.
 */
export const COMPAT_CONSTRAINTS_MAX: i32 = WITH_COMPAT ? pick(64, 0, 1024) : 0;
/** Services with a version column (9 bytes each: the version, a load's scratch flag). */
export const COMPAT_SERVICES: i32 = WITH_COMPAT ? SERVICES_MAX : 0;
/**
 * The version each revision in a service's history ran (8 bytes per history entry, one more
 * column of rollout/history.ts): `undo` to any revision the history holds is checked by it.
 */
export const COMPAT_HISTORY_VERSIONS: i32 = WITH_COMPAT ? ROLLOUT_SERVICES * ROLLOUT_HISTORY : 0;
// ---- the root rule (assembly/security/root-rule.ts; FEATURE_SECURITY) ----

/** Services with an identity byte (spawned, user declared, root, allow-root); 0 without security. */
export const ROOT_RULE_SERVICES: i32 = WITH_SECURITY ? SERVICES_MAX : 0;
