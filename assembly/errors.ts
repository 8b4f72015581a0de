// Error codes: small negative integers, stable forever (hosts and firmware store them), with a
// static message table. Printing a message allocates nothing; an unknown code reads "UNKNOWN".
// `npm run build` generates the TypeScript and C mirrors from this file (host/tools/gen-errors.ts):
// keep one `export const E_NAME: i32 = -N;` per line and one `case E_NAME: return out.text("...");`
// per code (a feature's code: `case E_NAME: if (WITH_X) return out.text("..."); break;`, so that
// a profile without the feature holds none of its texts), and ERROR_CODE_MIN naming the lowest. The build stores the texts as ASCII bytes (host/tools/asc-ascii-literals.js).

import { Detail } from "./util/detail";
import { WITH_SECURITY, WITH_SNAPSHOT, WITH_ROLLOUT, WITH_RESOURCES, WITH_SENTENCES, WITH_PROFILE_TEXTS, WITH_PLACEMENT, WITH_COMPAT } from "./features";

export const OK: i32 = 0;
export const E_INVALID_ARGUMENT: i32 = -1;
export const E_NAME_EMPTY: i32 = -2;
export const E_NAME_TOO_LONG: i32 = -3;
export const E_NAME_INVALID_CHAR: i32 = -4;
export const E_DUPLICATE_NAME: i32 = -5;
export const E_UNKNOWN_SERVICE: i32 = -6;
export const E_UNKNOWN_INSTANCE: i32 = -7;
export const E_STALE_INSTANCE: i32 = -8;
export const E_CAPACITY_SERVICES: i32 = -9;
export const E_CAPACITY_INSTANCES: i32 = -10;
export const E_CAPACITY_EDGES: i32 = -11;
export const E_CAPACITY_TAGS: i32 = -12;
export const E_OUTBOX_FULL: i32 = -13;
export const E_IO_LENGTH: i32 = -14;
export const E_SELF_DEPENDENCY: i32 = -15;
export const E_DUPLICATE_DEPENDENCY: i32 = -16;
export const E_UNKNOWN_DEPENDENCY: i32 = -17;
export const E_DEPENDENCY_CYCLE: i32 = -18;
export const E_ILLEGAL_TRANSITION: i32 = -19;
export const E_SERVICE_DISABLED: i32 = -20;
export const E_SERVICE_ACTIVE: i32 = -21;
export const E_SERVICE_IN_USE: i32 = -22;
export const E_DEPENDENCY_DISABLED: i32 = -23;
export const E_INVALID_TYPE: i32 = -24;
export const E_INVALID_KIND: i32 = -25;
export const E_INVALID_TIMEOUT: i32 = -26;
export const E_INVALID_COUNT: i32 = -27;
export const E_NO_SUCH_DEPENDENCY: i32 = -28;
export const E_DUPLICATE_TAG: i32 = -29;

export const E_MANIFEST_TRUNCATED: i32 = -200;
export const E_MANIFEST_TOO_LARGE: i32 = -201;
export const E_MANIFEST_MAGIC: i32 = -202;
export const E_MANIFEST_VERSION: i32 = -203;
export const E_MANIFEST_CHECKSUM: i32 = -204;
export const E_MANIFEST_RECORD: i32 = -205;
export const E_MANIFEST_UNKNOWN_SECTION: i32 = -206;
export const E_MANIFEST_ORDER: i32 = -207;
export const E_MANIFEST_REFERENCE: i32 = -208;
export const E_MANIFEST_NO_PREVIOUS: i32 = -209;
export const E_MANIFEST_NONE: i32 = -210;
export const E_CONFIG_TYPE: i32 = -211;
export const E_CONFIG_RANGE: i32 = -212;
export const E_CONFIG_PATTERN: i32 = -213;
export const E_CONFIG_REQUIRED: i32 = -214;
export const E_CONFIG_DUPLICATE_KEY: i32 = -215;
export const E_CONFIG_UNKNOWN_KEY: i32 = -216;
export const E_CAPACITY_CONFIG: i32 = -217;
export const E_PATTERN_SYNTAX: i32 = -218;
export const E_PATTERN_TOO_COMPLEX: i32 = -219;
export const E_CAPACITY_SUBSCRIPTIONS: i32 = -220;
export const E_UNKNOWN_SUBSCRIPTION: i32 = -221;
export const E_CONFIG_SECRET: i32 = -222;
export const E_INVALID_ADDRESS: i32 = -223;
export const E_UNKNOWN_TAG: i32 = -224;
export const E_MANIFEST_STAGE: i32 = -225;
export const E_CONFIG_VALUE: i32 = -226;
export const E_NO_NODE_FITS: i32 = -227;

export const E_ACCESS_DENIED: i32 = -340;
export const E_UNKNOWN_PRINCIPAL: i32 = -341;
export const E_CAPACITY_PRINCIPALS: i32 = -342;
export const E_INVALID_ROLE: i32 = -343;
export const E_INVALID_COMMAND: i32 = -344;
export const E_NO_ACCESS_CONTROL: i32 = -345;
export const E_DUPLICATE_PRINCIPAL: i32 = -346;

export const E_INVALID_STRATEGY: i32 = -100;
export const E_INVALID_WEIGHT: i32 = -101;
export const E_INVALID_OPTION: i32 = -102;
export const E_INVALID_BREAKER: i32 = -103;
export const E_INVALID_OUTLIER: i32 = -104;
export const E_INVALID_HEALTH: i32 = -105;
export const E_INVALID_OUTCOME: i32 = -106;
export const E_INVALID_LATENCY: i32 = -107;
export const E_NO_ELIGIBLE_INSTANCE: i32 = -108;
export const E_BREAKER_OPEN: i32 = -109;
export const E_NO_ACTIVE_REQUEST: i32 = -110;
export const E_CAPACITY_HASH_TABLES: i32 = -111;
export const E_INVALID_KEY: i32 = -112;
export const E_NOT_ISOLATED: i32 = -113;

// health and recovery: -150 .. -199
export const E_INVALID_CHECK_KIND: i32 = -150;
export const E_INVALID_CHECK_ROLE: i32 = -151;
export const E_INVALID_PERIOD: i32 = -152;
export const E_INVALID_THRESHOLD: i32 = -153;
export const E_CAPACITY_CHECKS: i32 = -154;
export const E_UNKNOWN_CHECK: i32 = -155;
export const E_INVALID_CHECK_OUTCOME: i32 = -156;
export const E_INVALID_POLICY: i32 = -157;
export const E_INVALID_INTENSITY: i32 = -158;
export const E_INVALID_BACKOFF: i32 = -159;
export const E_UNKNOWN_STRATEGY: i32 = -160;
export const E_START_LIMIT: i32 = -161;
export const E_INVALID_CONDITION: i32 = -162;

// one node's resources: -320 .. -339 (their texts are compiled only with FEATURE_RESOURCES)
export const E_RESOURCE_EXHAUSTED: i32 = -320;
export const E_INVALID_RESOURCE: i32 = -321;
export const E_INVALID_RESOURCES_RECORD: i32 = -322;
export const E_CAPACITY_UNITS: i32 = -323;
export const E_CAPACITY_RESERVATIONS: i32 = -324;
export const E_UNKNOWN_RESERVATION: i32 = -325;
export const E_RESOURCES_ABSENT: i32 = -326;
// the root rule (security/root-rule.ts): -327 (its text compiled only with FEATURE_SECURITY)
export const E_RUNS_AS_ROOT: i32 = -327;
// rollout (assembly/rollout/, lifecycle/resize.ts): -350..-369; not in the mcu profile (features.ts WITH_ROLLOUT)
export const E_RESIZE_PENDING: i32 = -350;
export const E_ROLLOUT_ABSENT: i32 = -351;
export const E_ROLLOUT_NONE: i32 = -352;
export const E_UNKNOWN_REVISION: i32 = -353;
export const E_INVALID_UPDATE: i32 = -354;
export const E_UPDATE_STRATEGY_UNAVAILABLE: i32 = -355;
export const E_BLUE_GREEN_ADDRESSES: i32 = -356;
export const E_NO_CANARY: i32 = -357;
// version constraints (rollout/compat.ts): -363..-369; their texts only with FEATURE_COMPAT
export const E_COMPAT_BREAKS: i32 = -363;
export const E_COMPAT_UNSATISFIED: i32 = -364;
export const E_CAPACITY_CONSTRAINTS: i32 = -365;
export const E_INVALID_CONSTRAINT: i32 = -366;
export const E_COMPAT_RUNNING: i32 = -367;
// snapshot and restore: -370 .. -379
export const E_SNAPSHOT_UNAVAILABLE: i32 = -370;
export const E_SNAPSHOT_CORRUPT: i32 = -371;
export const E_SNAPSHOT_VERSION: i32 = -372;
export const E_SNAPSHOT_PROFILE: i32 = -373;
export const E_SNAPSHOT_LAYOUT: i32 = -374;
export const E_SNAPSHOT_SEQUENCE: i32 = -375;
export const E_SNAPSHOT_STATE: i32 = -376;
export const E_SNAPSHOT_UNVERIFIED: i32 = -377;
// profiles: -395 .. -399
export const E_NOT_IN_PROFILE: i32 = -395;
// fleet plans and promotion (assembly/placement/plan.ts, promote.ts): -300..-309; not in the mcu profile (WITH_PLACEMENT)
export const E_NO_MOVE: i32 = -300;
export const E_NOT_PROMOTABLE: i32 = -301;
export const E_INVALID_PLAN_SETTING: i32 = -302;
export const E_INVALID_MOVE_REQUEST: i32 = -303;
// bounded move retries (assembly/placement/retry.ts): -304..-309
export const E_MOVE_GAVE_UP: i32 = -304;

/**
 * The lowest code: every code lies in ERROR_CODE_MIN..-1 (the errors spec reads each one). The
 * build refuses a table whose lowest code is not this one (host/tools/gen-errors.ts).
 */
export const ERROR_CODE_MIN: i32 = E_NOT_IN_PROFILE;

/** Writes the message of `code` to `out`; an unknown code writes "UNKNOWN". */
export function writeErrorMessage(code: i32, out: Detail): Detail {
  if (!WITH_SENTENCES) return out; // tiny: the host's generated table has every message
  switch (code) {
    case OK: return out.text("ok");
    case E_INVALID_ARGUMENT: return out.text("invalid argument");
    case E_NAME_EMPTY: return out.text("name is empty");
    case E_NAME_TOO_LONG: return out.text("name is longer than the limit");
    case E_NAME_INVALID_CHAR: return out.text("name has a character outside [A-Za-z0-9._-] or does not start with a letter or digit");
    case E_DUPLICATE_NAME: return out.text("a service with this name is already registered");
    case E_UNKNOWN_SERVICE: return out.text("no service has this id or name");
    case E_UNKNOWN_INSTANCE: return out.text("no instance has this handle");
    case E_STALE_INSTANCE: return out.text("the instance handle belongs to an earlier run of the instance");
    case E_CAPACITY_SERVICES: return out.text("service table is full");
    case E_CAPACITY_INSTANCES: return out.text("instance table is full");
    case E_CAPACITY_EDGES: return out.text("dependency table is full");
    case E_CAPACITY_TAGS: return out.text("tag table or the service's tag set is full");
    case E_OUTBOX_FULL: return out.text("outbox is full: drain actions, then retry");
    case E_IO_LENGTH: return out.text("length is negative or past the I/O buffer");
    case E_SELF_DEPENDENCY: return out.text("a service cannot depend on itself");
    case E_DUPLICATE_DEPENDENCY: return out.text("the dependency is already declared");
    case E_UNKNOWN_DEPENDENCY: return out.text("the dependency names a service that is not registered");
    case E_DEPENDENCY_CYCLE: return out.text("the dependencies form a cycle");
    case E_ILLEGAL_TRANSITION: return out.text("the service's state does not allow this command");
    case E_SERVICE_DISABLED: return out.text("the service is disabled");
    case E_SERVICE_ACTIVE: return out.text("the service must be stopped for this command");
    case E_SERVICE_IN_USE: return out.text("other services depend on this service");
    case E_DEPENDENCY_DISABLED: return out.text("a required dependency is disabled");
    case E_INVALID_TYPE: return out.text("service type is not system (0) or user (1)");
    case E_INVALID_KIND: return out.text("dependency kind is not requires (1), wants (2) or after (3)");
    case E_INVALID_TIMEOUT: return out.text("timeout is out of range");
    case E_INVALID_COUNT: return out.text("instance count is out of range");
    case E_NO_SUCH_DEPENDENCY: return out.text("the dependency is not declared");
    case E_DUPLICATE_TAG: return out.text("the service already has this tag");
    case E_MANIFEST_TRUNCATED: return out.text("manifest blob ends before its header or a record does");
    case E_MANIFEST_TOO_LARGE: return out.text("manifest blob is larger than the manifest limit");
    case E_MANIFEST_MAGIC: return out.text("manifest blob does not start with the MYCM magic");
    case E_MANIFEST_VERSION: return out.text("manifest blob has a format version this kernel does not know");
    case E_MANIFEST_CHECKSUM: return out.text("manifest blob checksum does not match its bytes");
    case E_MANIFEST_RECORD: return out.text("manifest record is malformed");
    case E_MANIFEST_UNKNOWN_SECTION: return out.text("manifest record has an unknown critical tag");
    case E_MANIFEST_ORDER: return out.text("manifest record is out of place");
    case E_MANIFEST_REFERENCE: return out.text("manifest record refers to a service that is not in the blob");
    case E_MANIFEST_NO_PREVIOUS: return out.text("there is no previous manifest version to roll back to");
    case E_MANIFEST_NONE: return out.text("no manifest is loaded");
    case E_CONFIG_TYPE: return out.text("config key has an unknown type");
    case E_CONFIG_RANGE: return out.text("config value is out of its range");
    case E_CONFIG_PATTERN: return out.text("config value does not match its pattern or choices");
    case E_CONFIG_REQUIRED: return out.text("a required config key has no value");
    case E_CONFIG_DUPLICATE_KEY: return out.text("config key is declared twice");
    case E_CONFIG_UNKNOWN_KEY: return out.text("the service has no config key of this name");
    case E_CAPACITY_CONFIG: return out.text("config key table is full");
    case E_PATTERN_SYNTAX: return out.text("pattern syntax error");
    case E_PATTERN_TOO_COMPLEX: return out.text("pattern needs more states or classes than the limit");
    case E_CAPACITY_SUBSCRIPTIONS: return out.text("subscription table is full");
    case E_UNKNOWN_SUBSCRIPTION: return out.text("no subscription has this id");
    case E_CONFIG_SECRET: return out.text("config key is secret: its value is never written out");
    case E_INVALID_ADDRESS: return out.text("instance address is malformed or names a missing instance");
    case E_UNKNOWN_TAG: return out.text("no service has this tag");
    case E_MANIFEST_STAGE: return out.text("manifest staging chunk is outside the manifest limit");
    case E_CONFIG_VALUE: return out.text("config value is malformed for its type");
    case E_NO_NODE_FITS: return out.text("no node fits");
    case E_INVALID_STRATEGY: return out.text("load-balancing strategy is not one of the nine strategy codes");
    case E_INVALID_WEIGHT: return out.text("weight is outside 1..the weight limit");
    case E_INVALID_OPTION: return out.text("balancer option is unknown or its value is out of range");
    case E_INVALID_BREAKER: return out.text("circuit-breaker setting is out of range or contradicts another");
    case E_INVALID_OUTLIER: return out.text("outlier-ejection setting is out of range or contradicts another");
    case E_INVALID_HEALTH: return out.text("health is not unknown (0), healthy (1), degraded (2) or unhealthy (3)");
    case E_INVALID_OUTCOME: return out.text("request outcome is not failure (0), success (1) or cancelled (2)");
    case E_INVALID_LATENCY: return out.text("latency is negative, not a number or above the limit");
    case E_NO_ELIGIBLE_INSTANCE: return out.text("no instance of the service is eligible for a request");
    case E_BREAKER_OPEN: return out.text("the instance's circuit breaker admits no request now");
    case E_NO_ACTIVE_REQUEST: return out.text("the instance has no request in flight");
    case E_CAPACITY_HASH_TABLES: return out.text("every consistent-hash table is in use");
    case E_INVALID_KEY: return out.text("key length does not fit the strategy (IP hash takes 4 or 16 bytes)");
    case E_NOT_ISOLATED: return out.text("the instance's breaker is not isolated");
    case E_INVALID_CHECK_KIND: return out.text("check kind is not http (0), tcp (1), process (2), file (3), command (4) or custom (5)");
    case E_INVALID_CHECK_ROLE: return out.text("check role is not liveness (0), readiness (1) or startup (2)");
    case E_INVALID_PERIOD: return out.text("a period, interval, window or timeout is out of range");
    case E_INVALID_THRESHOLD: return out.text("a threshold or count is out of range");
    case E_CAPACITY_CHECKS: return out.text("check table or the service's check slots are full");
    case E_UNKNOWN_CHECK: return out.text("no health check has this id");
    case E_INVALID_CHECK_OUTCOME: return out.text("check outcome is not success (0), failure (1) or timeout (2)");
    case E_INVALID_POLICY: return out.text("restart policy is not never (0), on-failure (1) or always (2)");
    case E_INVALID_INTENSITY: return out.text("restart intensity cannot allow the restart policy");
    case E_INVALID_BACKOFF: return out.text("backoff kind, factor, jitter, base or cap is invalid");
    case E_UNKNOWN_STRATEGY: return out.text("recovery strategy, group strategy or fault pattern is unknown");
    case E_START_LIMIT: return out.text("the service hit its restart limit and stays failed until reset");
    case E_INVALID_CONDITION: return out.text("dependency condition is not started (0) or healthy (1)");
    // A feature's codes: a profile without the feature falls through to UNKNOWN (no text compiled).
    case E_ACCESS_DENIED: if (WITH_SECURITY) return out.text("the caller's capabilities do not allow this command"); break;
    case E_UNKNOWN_PRINCIPAL: if (WITH_SECURITY) return out.text("no principal has this id or name"); break;
    case E_CAPACITY_PRINCIPALS: if (WITH_SECURITY) return out.text("principal table is full"); break;
    case E_INVALID_ROLE: if (WITH_SECURITY) return out.text("role is not viewer (0), operator (1), admin (2) or custom (3) with a capability set"); break;
    case E_INVALID_COMMAND: if (WITH_SECURITY) return out.text("control command is not one of the command codes"); break;
    case E_NO_ACCESS_CONTROL: if (WITH_SECURITY) return out.text("this build has no access control"); break;
    case E_DUPLICATE_PRINCIPAL: if (WITH_SECURITY) return out.text("a principal with this name is already registered"); break;
    case E_COMPAT_BREAKS: if (WITH_COMPAT) return out.text("the version change would break a running dependant's version constraint"); break;
    case E_COMPAT_UNSATISFIED: if (WITH_COMPAT) return out.text("a service's version constraint is not met by its dependency's version"); break;
    case E_CAPACITY_CONSTRAINTS: if (WITH_COMPAT) return out.text("version constraint table is full"); break;
    case E_INVALID_CONSTRAINT: if (WITH_COMPAT) return out.text("version constraint names no dependency or holds no version"); break;
    case E_COMPAT_RUNNING: if (WITH_COMPAT) return out.text("a running dependant's new version constraint does not hold for the version its dependency runs"); break;
    case E_SNAPSHOT_UNAVAILABLE: if (WITH_SNAPSHOT) return out.text("this profile has no snapshot and restore"); break;
    case E_SNAPSHOT_CORRUPT: if (WITH_SNAPSHOT) return out.text("snapshot is damaged: bad magic, CRC-32, length or section head"); break;
    case E_SNAPSHOT_VERSION: if (WITH_SNAPSHOT) return out.text("snapshot format version is not one this kernel reads"); break;
    case E_SNAPSHOT_PROFILE: if (WITH_SNAPSHOT) return out.text("snapshot was taken on another build profile"); break;
    case E_SNAPSHOT_LAYOUT: if (WITH_SNAPSHOT) return out.text("snapshot was taken by a kernel build whose state layout differs"); break;
    case E_SNAPSHOT_SEQUENCE: if (WITH_SNAPSHOT) return out.text("snapshot chunk is out of order, misaligned or past the end"); break;
    case E_SNAPSHOT_STATE: if (WITH_SNAPSHOT) return out.text("snapshot holds a value out of range for its table"); break;
    case E_SNAPSHOT_UNVERIFIED: if (WITH_SNAPSHOT) return out.text("snapshot apply without a verified snapshot, or bytes changed since"); break;
    case E_NOT_IN_PROFILE: if (WITH_PROFILE_TEXTS) return out.text("this profile does not have the layer behind this export"); break;
    case E_NO_MOVE: if (WITH_PLACEMENT) return out.text("the assignment slot has no move of this state in the plan"); break;
    case E_NOT_PROMOTABLE: if (WITH_PLACEMENT) return out.text("the node is not a rhizomorph alive and healthy for the promotion period"); break;
    case E_INVALID_PLAN_SETTING: if (WITH_PLACEMENT) return out.text("plan setting is outside its range"); break;
    case E_INVALID_MOVE_REQUEST: if (WITH_PLACEMENT) return out.text("a manual move needs a requester and a reason"); break;
    case E_MOVE_GAVE_UP: if (WITH_PLACEMENT) return out.text("a move failed on its target too often and no other node may take the instance: given up"); break;
    case E_RESIZE_PENDING: if (WITH_ROLLOUT) return out.text("the service is still draining the instances its last resize removes"); break;
    case E_ROLLOUT_ABSENT: if (WITH_ROLLOUT) return out.text("rollouts are not in this profile"); break;
    case E_ROLLOUT_NONE: if (WITH_ROLLOUT) return out.text("the service has no rollout in that phase"); break;
    case E_UNKNOWN_REVISION: if (WITH_ROLLOUT) return out.text("the revision is not in the service's history"); break;
    case E_INVALID_UPDATE: if (WITH_ROLLOUT) return out.text("update strategy setting is out of range"); break;
    case E_UPDATE_STRATEGY_UNAVAILABLE: if (WITH_ROLLOUT) return out.text("update strategy is not carried out by this kernel"); break;
    case E_BLUE_GREEN_ADDRESSES: if (WITH_ROLLOUT) return out.text("blue-green needs a spare address per instance"); break;
    case E_NO_CANARY: if (WITH_ROLLOUT) return out.text("no canary waits for promotion"); break;
    case E_RESOURCE_EXHAUSTED: if (WITH_RESOURCES) return out.text("the node has not enough of a resource free for the start"); break;
    case E_INVALID_RESOURCE: if (WITH_RESOURCES) return out.text("resource is not one of the node's dimensions or units"); break;
    case E_INVALID_RESOURCES_RECORD: if (WITH_RESOURCES) return out.text("resources record field is out of range"); break;
    case E_CAPACITY_UNITS: if (WITH_RESOURCES) return out.text("the node's unit table is full"); break;
    case E_CAPACITY_RESERVATIONS: if (WITH_RESOURCES) return out.text("every reservation slot is held"); break;
    case E_UNKNOWN_RESERVATION: if (WITH_RESOURCES) return out.text("no reservation has this id (released, expired or never made)"); break;
    case E_RESOURCES_ABSENT: if (WITH_RESOURCES) return out.text("this build has no resources layer"); break;
    case E_RUNS_AS_ROOT: if (WITH_SECURITY) return out.text("a user service would run as root without allow-root"); break;
    default: return out.text("UNKNOWN");
  }
  return out.text("UNKNOWN"); // a code whose text its feature left out of this profile
}
