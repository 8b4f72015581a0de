// Capacities of the build profile: every table the kernel owns is reserved once, at init,
// from the numbers below. A firmware developer picks a profile and gets a known RAM bill
// (see README "Build profiles"); running out of any of them is an error code, never a trap.
//
// The profile is chosen at compile time with `--use MYCO_PROFILE=<n>` (asconfig.json targets).

export const PROFILE_RELEASE: i32 = 0;
export const PROFILE_MCU: i32 = 1;
export const PROFILE_BENCH: i32 = 2;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`; release when absent (as-pect specs).
export const PROFILE: i32 = isDefined(MYCO_PROFILE) ? MYCO_PROFILE : PROFILE_RELEASE;

@inline function pick(release: i32, mcu: i32, bench: i32): i32 {
  return PROFILE == PROFILE_MCU ? mcu : PROFILE == PROFILE_BENCH ? bench : release;
}

/** Services the registry holds. 16 fits a sensor node; 128 a gateway; 8192 is the ordering benchmark's N. */
export const SERVICES_MAX: i32 = pick(128, 16, 8192);

/** Instances across all services (each costs ~24 bytes plus a timer slot). */
export const INSTANCES_MAX: i32 = pick(512, 32, 16384);

/** Instances one service may own: bounds a service's slot row (2 bytes each). */
export const INSTANCES_PER_SERVICE_MAX: i32 = pick(64, 8, 64);

/** Dependency edges (requires/wants/after), ~4 per service plus headroom; 20 bytes each. */
export const EDGES_MAX: i32 = pick(1024, 64, 40960);

/** Distinct tags; a service's tags are a bit set, so at most 64. */
export const TAGS_MAX: i32 = pick(64, 16, 64);

/** Bytes of a service or tag name. Long enough for `telemetry-uplink-eu-west-2`. */
export const NAME_BYTES_MAX: i32 = 32;

/** Event log ring (32 bytes a record), a power of two. Old records are overwritten and counted. */
export const EVENT_LOG_CAPACITY: i32 = pick(512, 128, 16384);

/** Outbox ring (16 bytes an action), a power of two. A full outbox defers work, never drops it. */
export const OUTBOX_CAPACITY: i32 = pick(256, 64, 32768);

/** The one byte buffer shared with the host: names in; order, events, actions, messages out. */
export const IO_BUFFER_BYTES: i32 = pick(8192, 1024, 131072);

/** Human-readable detail of the last error (names the service, field and value). */
export const ERROR_DETAIL_BYTES: i32 = pick(512, 160, 512);

/** Timers: one per instance (start/stop deadline) and one per service (later: backoff). */
export const TIMERS_MAX: i32 = INSTANCES_MAX + SERVICES_MAX;

/** Open-addressing name index: a power of two at least twice the services (load ≤ 50 %). */
export const NAME_INDEX_SLOTS: i32 = pick(256, 32, 16384);

/** Default timeouts when a service does not set its own (systemd's are 90 s; devices are faster). */
export const START_TIMEOUT_MS_DEFAULT: i32 = 10_000;
export const STOP_TIMEOUT_MS_DEFAULT: i32 = 5_000;
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
export const MANIFEST_BYTES_MAX: i32 = pick(8192, 2048, 65536);

/** Config keys across all services (an index of 8 bytes each into the current blob). */
export const CONFIG_KEYS_MAX: i32 = pick(512, 64, 16384);

/** Config keys one service may declare. */
export const CONFIG_KEYS_PER_SERVICE_MAX: i32 = 32;

/** Bytes of a string config value, an enum choice list, or an instance address. */
export const CONFIG_VALUE_BYTES_MAX: i32 = 255;

/** Bytes of a discovery pattern (with its `glob:` / `regex:` prefix). */
export const PATTERN_BYTES_MAX: i32 = 128;

/**
 * NFA states of a compiled pattern. Every pattern byte makes at most two states (a literal and
 * a split) plus one per group, so 3x the pattern bytes is enough; matching costs at most
 * PATTERN_STATES_MAX steps per input byte (the linear-time bound).
 */
export const PATTERN_STATES_MAX: i32 = 3 * PATTERN_BYTES_MAX + 8;

/** Character classes of one pattern ([a-z], \d, ...), 32 bytes each. */
export const PATTERN_CLASSES_MAX: i32 = 16;

/** Pattern query results kept in the TTL cache (each a row of SERVICES_MAX u16 ids). */
export const DISCOVERY_CACHE_ENTRIES: i32 = pick(8, 2, 8);

/** How long a cached query result may be served (any registry change invalidates it sooner). */
export const DISCOVERY_CACHE_TTL_MS_DEFAULT: i32 = 1_000;

/** Pattern subscriptions the host may hold (each keeps its pattern and a membership bit set). */
export const SUBSCRIPTIONS_MAX: i32 = pick(16, 4, 16);

assert(MANIFEST_BYTES_MAX <= 0x7fff_ffff && MANIFEST_BYTES_MAX >= 256, "MANIFEST_BYTES_MAX");
assert(PATTERN_STATES_MAX < 0xFFFF, "NFA state ids are stored in 16 bits");
assert(CONFIG_KEYS_PER_SERVICE_MAX <= CONFIG_KEYS_MAX, "CONFIG_KEYS_PER_SERVICE_MAX");
