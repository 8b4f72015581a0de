/* Generated from assembly/index.ts by targets/firmware/tools/gen-api.ts (npm run build). Do not edit. */
#ifndef MYCO_API_H
#define MYCO_API_H

#include <stdbool.h>
#include <stdint.h>

/* Little-endian hosts only: the records are read with memcpy from the kernel's memory. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "myco: records are decoded for little-endian hosts"
#endif

#define MYCO_DISCOVERY_COUNTER_HITS (0)
#define MYCO_DISCOVERY_COUNTER_MISSES (1)
#define MYCO_DISCOVERY_COUNTER_EVICTIONS (2)
#define MYCO_DISCOVERY_COUNTER_STALE (3)
#define MYCO_DISCOVERY_COUNTER_ENTRIES (4)
#define MYCO_DISCOVERY_COUNTER_GENERATION (5)
#define MYCO_HEALTH_COUNTER_ALERTS (0)
#define MYCO_HEALTH_COUNTER_ALERTS_SUPPRESSED (1)
#define MYCO_HEALTH_COUNTER_CHECKS_RUN (2)
#define MYCO_HEALTH_COUNTER_CHECK_TIMEOUTS (3)
#define MYCO_RECOVERY_RESTARTS_IN_WINDOW (0)
#define MYCO_RECOVERY_BACKOFF_ATTEMPT (1)
#define MYCO_RECOVERY_ESCALATION_LEVEL (2)
#define MYCO_RECOVERY_GAVE_UP (3)
#define MYCO_RECOVERY_LAST_DELAY_MS (4)
#define MYCO_RECOVERY_POLICY (5)
#define MYCO_ROLLOUT_FIELD_PHASE (0)
#define MYCO_ROLLOUT_FIELD_TARGET (1)
#define MYCO_ROLLOUT_FIELD_STABLE (2)
#define MYCO_ROLLOUT_FIELD_UPDATED (3)
#define MYCO_ROLLOUT_FIELD_AVAILABLE (4)
#define MYCO_ROLLOUT_FIELD_FAILURES (5)
#define MYCO_ROLLOUT_FIELD_BASE (6)
#define MYCO_ROLLOUT_FIELD_STRATEGY (7)
#define MYCO_ROLLOUT_FIELD_WINDOW_REQUESTS (8)
#define MYCO_ROLLOUT_FIELD_WINDOW_FAILURES (9)
#define MYCO_LIMIT_SERVICES (0)
#define MYCO_LIMIT_INSTANCES (1)
#define MYCO_LIMIT_INSTANCES_PER_SERVICE (2)
#define MYCO_LIMIT_EDGES (3)
#define MYCO_LIMIT_TAGS (4)
#define MYCO_LIMIT_NAME_BYTES (5)
#define MYCO_LIMIT_EVENT_LOG (6)
#define MYCO_LIMIT_OUTBOX (7)
#define MYCO_LIMIT_IO_BYTES (8)
#define MYCO_COUNTER_ACTIONS_DEFERRED (0)
#define MYCO_COUNTER_CLOCK_BACKWARD_STEPS (1)
#define MYCO_COUNTER_TIMERS_ARMED (2)

/* One dependency of a service: the service it depends on, kind (1 requires, 2 wants, 3 after), condition. (4 bytes in the I/O buffer) */
typedef struct {
  uint16_t id;
  uint8_t kind;
  uint8_t condition;
} myco_dependency_entry_t;
#define MYCO_DEPENDENCY_ENTRY_BYTES 4u
/* Record `index` of the last call that wrote dependency-entry records (no bounds check beyond the buffer). */
myco_dependency_entry_t myco_dependency_entry_at(uint32_t index);
/* One service of the start order: its id and its wave. (4 bytes in the I/O buffer) */
typedef struct {
  uint16_t id;
  uint16_t wave;
} myco_order_entry_t;
#define MYCO_ORDER_ENTRY_BYTES 4u
/* Record `index` of the last call that wrote order-entry records (no bounds check beyond the buffer). */
myco_order_entry_t myco_order_entry_at(uint32_t index);
/* An action for the host (assembly/log/outbox.ts ACTION_*). (16 bytes in the I/O buffer) */
typedef struct {
  uint8_t kind;
  int32_t service;
  int32_t instance;
  int32_t arg;
} myco_action_t;
#define MYCO_ACTION_BYTES 16u
/* Record `index` of the last call that wrote action records (no bounds check beyond the buffer). */
myco_action_t myco_action_at(uint32_t index);
/* An event-log record (assembly/log/events.ts). (32 bytes in the I/O buffer) */
typedef struct {
  int64_t time_ms;
  uint32_t seq;
  uint8_t kind;
  uint8_t from;
  uint8_t to;
  uint8_t cause;
  int32_t service;
  int32_t instance;
  int32_t value;
  uint32_t reserved;
} myco_event_t;
#define MYCO_EVENT_BYTES 32u
/* Record `index` of the last call that wrote event records (no bounds check beyond the buffer). */
myco_event_t myco_event_at(uint32_t index);

/* Services matching a pattern (in the buffer; length 0: any name) and filters (-1: any): type (0 system, 1 user), state (STATE_*), health (0 unknown, 1 healthy, 2 unhealthy), and tags (a mask of tag ids, every one required). Writes u16 ids, ascending; returns the count. */
int32_t myco_discovery_query(const char* pattern, uint32_t pattern_length, int32_t type, int32_t state, int32_t health, uint64_t tags);
/* Compiles the pattern at [0, patternLength) and matches it against the text right after it: 1 or 0. */
int32_t myco_discovery_pattern_test(const char* pattern, uint32_t pattern_length, const char* text, uint32_t text_length);
/* NFA steps of the last match (the linear-time proof: at most states x (text + 1) x 2). */
int32_t myco_discovery_pattern_steps(uint32_t* out);
/* Subscribes a pattern (buffer) with a type (-1 any) and tags (all of); returns the subscription id. */
int32_t myco_discovery_subscribe(const char* pattern, uint32_t pattern_length, int32_t type, uint64_t tags);
int32_t myco_discovery_unsubscribe(int32_t subscription);
/* The subscription's current members as u16 ids in the buffer; returns the count. */
int32_t myco_discovery_subscription_members(int32_t subscription);
/* Sets the cache TTL (ms; 0 turns the cache off) and empties the cache. */
int32_t myco_discovery_cache_ttl(int32_t ms);
int32_t myco_discovery_counter(int32_t which, uint32_t* out);
/* Reports a service's health to discovery (the health layer does this itself; hosts may too). */
int32_t myco_discovery_health_set(int32_t id, int32_t health);
int32_t myco_discovery_health(int32_t id);
/* The id of the tag named by the buffer (for query and subscription tag masks). */
int32_t myco_tag_lookup(const char* name, uint32_t name_length);
/* The service's dependencies as (u16 id, u8 kind, u8 condition) records; returns the count. */
int32_t myco_discovery_dependencies(int32_t id);
/* Registers node `name` (I/O buffer): tier 0 sclerotia, 1 rhizomorph, 2 hyphae; trust and reliability 0..100. Returns its id. */
int32_t myco_node_register(const char* name, uint32_t name_length, int32_t tier, int32_t trust, int32_t reliability);
/* The id of node `name` (I/O buffer). */
int32_t myco_node_find(const char* name, uint32_t name_length);
/* Removes a node; its instances are placed elsewhere first. Returns how many wait for a node. */
int32_t myco_node_remove(int32_t node);
/* Sets a node's capacity of a resource (0 cpu millicores, 1 memory, 2 storage, 3 scratch, 4 iops, 5 bandwidth, 6 connections, 7 gpu, 8 fds, 9 pids). */
int32_t myco_node_capacity(int32_t node, int32_t resource, int64_t amount);
/* Interns label `key=value` (I/O buffer); returns its id. */
int32_t myco_placement_label(const char* label, uint32_t label_length);
/* Gives (on 1) or takes (on 0) a label to a node; instances whose rules it now breaks are placed elsewhere. */
int32_t myco_node_label(int32_t node, int32_t label, int32_t on);
/* Sets a node's zone (its location) to a label (-1: none); the export is not named nodeZone because wasm2c escapes a capital Z (firmware names). Set it before the node has instances (zone spread is counted when placing). */
int32_t myco_node_location(int32_t node, int32_t label);
/* The host's load sample of a node, 0..100 percent. */
int32_t myco_node_load(int32_t node, int32_t percent);
/* Sets a node's state: 1 alive, 2 suspect (takes nothing new), 3 draining, 4 dead (their instances are placed elsewhere). Returns how many instances wait for a node. */
int32_t myco_node_state(int32_t node, int32_t state);
/* A node's field: 0 tier, 1 state, 2 trust, 3 reliability, 4 load, 5 zone label (-1 none). */
int32_t myco_node_field(int32_t node, int32_t field);
/* What a node's instances use of a resource (used 1), its capacity (used 0), or what moves off it under way hold (used 2: the old instances still run); negative: an error. */
int32_t myco_node_resource(int32_t node, int32_t resource, int32_t used, int64_t* out);
/* A service's placement: class (0 critical, 1 user, 2 client, 3 distributed), scoring (0 binpack, 1 spread), max per node (0 none), spread over zones (0/1). */
int32_t myco_placement_spec(int32_t service, int32_t placement_class, int32_t scoring, int32_t max_per_node, int32_t spread_zone);
/* What one instance of a service needs of a resource. */
int32_t myco_placement_request(int32_t service, int32_t resource, int64_t amount);
/* Adds a label rule to a service: action 0 require, 1 forbid, 2 prefer, 3 avoid. */
int32_t myco_placement_rule(int32_t service, int32_t label, int32_t action);
/* Places `count` more instances of a service, all or none; returns how many it has. A refusal's detail counts the nodes each reason excluded. */
int32_t myco_placement_place(int32_t service, int32_t count);
/* Removes a service's `count` newest instances; returns how many it has left. */
int32_t myco_placement_remove(int32_t service, int32_t count);
/* Instances of a service (-1: any) on a node (-1: waiting for a node). */
int32_t myco_placement_count(int32_t service, int32_t node);
/* The node of assignment slot 0..placementSlots()-1 (65535: waiting for a node); an error when the slot is free. */
int32_t myco_placement_slot_node(int32_t slot);
/* The service of an assignment slot, or -1 when the slot is free. */
int32_t myco_placement_slot_service(int32_t slot);
/* The size of the assignment table (0 without placement). */
int32_t myco_placement_slots(void);
/* The size of the node table (0 without placement). */
int32_t myco_placement_nodes(void);
/* Nodes the last refusal excluded for a reason: 0 not alive, 1 tier, 2 required label, 3 forbidden label, 4 max-per-node, 5.. a resource (5 + resource). */
int32_t myco_placement_refusal(int32_t reason);
/* Clears a service's placement spec back to the defaults (its placed instances stay). */
int32_t myco_placement_clear(int32_t service);
/* Assignment (0 automatic, 1 rules, 2 direct) and migration policy (0 blue-green, 1 rolling, 2 live; batch; ms: health gate, interval or downtime tolerance). */
int32_t myco_placement_assign(int32_t service, int32_t assignment, int32_t migration, int32_t batch, int64_t ms);
/* Appends node `name` (I/O buffer) to a direct assignment: the first is the primary, the next the backups in order. Returns its position. */
int32_t myco_placement_direct(int32_t service, const char* name, uint32_t name_length);
/* Deployment model (0 standard, 1 native, 2 replicated, 3 auto), native's shards and shards moved per step, replicated's backups, auto's traits (1 own consensus, 2 needs high availability, 4 needs a whole OS). */
int32_t myco_placement_deploy(int32_t service, int32_t model, int32_t shards, int32_t rebalance, int32_t backups, int32_t traits);
/* A rule on a condition: 0 tier is `value`, 1 label id `value`, 2 load above, 3 load below `value` percent, 4 trust at least `value`; action 0 require, 1 forbid, 2 prefer, 3 avoid; priority 0..100 weighs a soft rule. */
int32_t myco_placement_rule_when(int32_t service, int32_t condition, int32_t action, int32_t priority, int32_t value);
/* A service's placement spec: 0 class, 1 scoring, 2 max-per-node, 3 spread over zones, 4 assignment, 5 migration, 6 batch, 7 migration ms, 8 declared deployment, 9 the deployment in force, 10 auto's rationale (0 declared, 1 own consensus, 2 needs high availability, 3 needs a whole OS, 4 neither), 11 shards, 12 shards moved per step, 13 backups per instance, 14 condition rules. */
int32_t myco_placement_spec_field(int32_t service, int32_t field);
/* The k-th backup node of an assignment slot (65535: none). */
int32_t myco_placement_backup(int32_t slot, int32_t k);
/* Backups missing over the placed instances of a service (-1: every service): critical with one sclerotia, for instance. */
int32_t myco_placement_backups_missing(int32_t service);
/* Reserves `count` more instances of a service for `ttlMs` (all or none, capacity held); returns the reservation id. */
int32_t myco_placement_reserve(int32_t service, int32_t count, int64_t ttl_ms);
/* Commits a pending reservation: its instances become ordinary assignments. Returns how many. */
int32_t myco_placement_commit(int32_t reservation);
/* Releases a pending reservation: its instances go and their capacity is free. Returns how many. */
int32_t myco_placement_release(int32_t reservation);
/* A reservation's instance count while pending, or -1 (committed, released, expired). */
int32_t myco_placement_reservation(int32_t reservation);
/* Whether an assignment slot belongs to a pending reservation (1) or not (0). */
int32_t myco_placement_slot_reserved(int32_t slot);
/* A manual move: the instance of assignment slot `slot` to `node`, if the node can take it (else an error naming why; nothing moves). */
int32_t myco_placement_move(int32_t slot, int32_t node);
/* The number of config keys of a service. */
int32_t myco_config_count(int32_t id);
/* Writes the name of key `ordinal` of the service to the buffer; returns its length. */
int32_t myco_config_key_at(int32_t id, int32_t ordinal);
/* (type << 8) | flags of the key named by the buffer (config/schema.ts CONFIG_*, FLAG_*). */
int32_t myco_config_info(int32_t id, const char* key, uint32_t key_length);
/* Writes the value of the key named by the buffer as text; E_CONFIG_SECRET for a secret. */
int32_t myco_config_get(int32_t id, const char* key, uint32_t key_length);
/* The one path that writes a secret in clear: for executors building a service's environment. */
int32_t myco_config_secret_reveal(int32_t id, const char* key, uint32_t key_length);
/* The service's instance addresses ("a,b" by ordinal) in the buffer; returns the length. */
int32_t myco_discovery_addresses(int32_t id);
/* Copies `length` bytes from the I/O buffer into the staging slot at `offset`. */
int32_t myco_manifest_stage(int32_t offset, const uint8_t* chunk, uint32_t chunk_length);
/* Validates the `length` staged bytes and applies them; returns the new revision. On any error nothing changed: the detail names the service, field and value, manifestErrorOffset the offset. */
int32_t myco_manifest_load(int32_t length);
/* Back to the previous version (the current one becomes the previous); returns the revision. */
int32_t myco_manifest_rollback(void);
int32_t myco_manifest_revision(uint32_t* out);
int32_t myco_manifest_serial(uint32_t* out);
int32_t myco_manifest_error_offset(void);
int32_t myco_manifest_capacity(void);
/* Services with a removal, resize or restart waiting for them to come to rest. */
int32_t myco_manifest_pending(void);
/* Builds the dump (blob format, secrets redacted) in the staging slot; returns its length. */
int32_t myco_manifest_dump(void);
/* Copies dump bytes from `offset` into the I/O buffer; returns how many. */
int32_t myco_manifest_dump_read(int32_t offset);
/* The id of the check the service's HEALTH section made (the host runs it); 65535 when none. */
int32_t myco_manifest_check(int32_t service);
int32_t myco_balance_set_weight(int32_t handle, int32_t weight);
/* enabled 0 takes the instance out of balancing (and out of the consistent-hash membership). */
int32_t myco_balance_set_enabled(int32_t handle, int32_t enabled);
/* draining 1: no new requests (those in flight finish); cleared when the instance is spawned again. */
int32_t myco_balance_set_draining(int32_t handle, int32_t draining);
/* health: 0 unknown, 1 healthy, 2 degraded, 3 unhealthy (unknown is treated as healthy). */
int32_t myco_instance_set_health(int32_t handle, int32_t health);
/* Holds the instance's breaker open; returns the isolations held (reference-counted). */
int32_t myco_breaker_isolate(int32_t handle);
/* Drops one isolation; returns the isolations still held. */
int32_t myco_breaker_release(int32_t handle);
/* Closes the instance's breaker now (isolations still hold it open). */
int32_t myco_breaker_reset(int32_t handle);
/* Picks an instance for a request (which counts as started); returns its handle. */
int32_t myco_balance_pick(int32_t service);
/* As balancePick, with a 32-bit key for IP hash (an IPv4 address) and consistent hash. */
int32_t myco_balance_pick_key(int32_t service, uint32_t key);
/* As balancePick, keyed by the buffer's bytes: IP hash takes 4 (IPv4) or 16 (IPv6), consistent hash any. */
int32_t myco_balance_pick_bytes(int32_t service, const uint8_t* key, uint32_t key_length);
/* `count` picks in a loop inside the kernel (what a native host pays per pick), keys keyBase, keyBase + 1, ... for the keyed strategies. Returns the handle of the last pick. */
int32_t myco_balance_pick_batch(int32_t service, int32_t count, uint32_t key_base);
/* `count` picks for `count` requests in one call, so a host routing many requests crosses the boundary once: the handles go to the I/O buffer as i32 (4 bytes each, little-endian). The keyed strategies (IP hash, consistent hash) take the requests' u32 keys from the buffer (keysLength = 4 * count; each is overwritten by its pick); with keysLength 0 they draw random keys, as balancePick does. Returns the picks written: `count`, or fewer when the pool ran out part way (the first pick's error when none was made). */
int32_t myco_balance_pick_many(int32_t service, int32_t count, const uint8_t* keys, uint32_t keys_length);
/* The host routed a request to this instance itself: E_BREAKER_OPEN when its breaker refuses. */
int32_t myco_balance_request_started(int32_t handle);
/* outcome: 0 failure, 1 success, 2 cancelled (leaves the in-flight count only). */
int32_t myco_balance_request_finished(int32_t handle, double latency_ms, int32_t outcome);
/* Writes the instance's 64-byte statistics record (balance/stats.ts) to the buffer; returns 64. */
int32_t myco_balance_instance_stats(int32_t handle);
/* Writes the service's 64-byte statistics record (balance/stats.ts) to the buffer; returns 64. */
int32_t myco_balance_service_stats(int32_t service);
/* Adds a health check to a service at rest from the CHECK record in the buffer (`length` 28: kind, role, intervalMs, timeoutMs, startPeriodMs, rise, fall as i32; -1 in a field is the kernel's default; health/record.ts); returns the check id. */
int32_t myco_check_add(int32_t service, const uint8_t* record, uint32_t record_length);
/* Writes the check's effective CHECK record (every default filled in) to the buffer; returns 28. */
int32_t myco_check_record(int32_t check);
int32_t myco_check_remove(int32_t check);
/* The host's answer to ACTION_RUN_CHECK: outcome 0 success, 1 failure, 2 timeout; latency in ms. Returns 0 when applied, 1 when ignored (it came after the timeout, or was not asked for). */
int32_t myco_check_report(int32_t check, int32_t handle, int32_t outcome, int32_t latency_ms);
/* HEALTH_*: 0 unknown, 1 healthy, 2 degraded, 3 unhealthy. */
int32_t myco_health_of_service(int32_t service);
int32_t myco_health_of_instance(int32_t handle);
/* Writes the service's last results (16-byte records, oldest first) to the buffer; returns how many. */
int32_t myco_health_history(int32_t service);
/* Basis points (10000 = 100 %) of the availability window the service was up. */
int32_t myco_health_availability(int32_t service);
int32_t myco_health_set_window(int32_t service, int32_t window_ms);
/* Flapping: `transitions` health changes within `windowMs` (defaults 5 in 60 s). */
int32_t myco_health_set_flapping(int32_t service, int32_t transitions, int32_t window_ms);
/* Watchdog period (0: none); applies from each instance's next start. */
int32_t myco_watchdog_set(int32_t service, int32_t period_ms);
int32_t myco_watchdog_ping(int32_t handle);
/* condition 0: `to` counts once running; 1: once running and healthy (compose service_healthy). */
int32_t myco_dependency_condition(int32_t from, int32_t to, int32_t condition);
int32_t myco_health_counter(int32_t which, uint32_t* out);
/* systemctl reset-failed: forgets the restart record and a give-up, so the service may start again. */
int32_t myco_recovery_reset(int32_t service);
int32_t myco_recovery_info(int32_t service, int32_t which);
/* Applies the configuration record of `section` (0 timeouts, 1 balance, 2 breaker, 3 outlier, 4 recovery) written to the buffer: i32 fields, -1 in a field is the kernel's default; `length` must be the section's size (8, 24, 40, 20, 104). The whole record is checked before anything changes, whatever order its fields were filled in. */
int32_t myco_record_apply(int32_t service, int32_t section, const uint8_t* record, uint32_t record_length);
/* Writes the service's effective record of `section` (every default filled in) to the buffer; returns its length. */
int32_t myco_record_read(int32_t service, int32_t section);
/* Registers principal `name` (I/O buffer) with a role: 0 viewer, 1 operator, 2 admin, 3 custom (then `capabilities` is its set). The host's bootstrap; later changes go through principalGrant. */
int32_t myco_principal_register(const char* name, uint32_t name_length, int32_t role, int32_t capabilities);
/* The id of principal `name` (I/O buffer). */
int32_t myco_principal_find(const char* name, uint32_t name_length);
/* `actor` gives `principal` a role (3: custom, with `capabilities`); needs the roles capability. Audited. */
int32_t myco_principal_grant(int32_t actor, int32_t principal, int32_t role, int32_t capabilities);
/* A principal's role (which 0) or capability set (which 1). */
int32_t myco_principal_read(int32_t principal, int32_t which);
/* OK when `principal` may run control `command` (0 status, 1 logs, 2 metrics, 3 start, 4 stop, 5 restart, 6 reload, 7 rollout, 8 silence, 9 secrets, 10 upgrade, 11 fleet-move, 12 roles, 13 audit) on `service` (-1: none); otherwise E_ACCESS_DENIED naming all three. A change to a system service needs admin. Every change, allowed or denied, and every denial is audited (an audit event in the event log). */
int32_t myco_authorise(int32_t principal, int32_t command, int32_t service);
/* The host reports once whether it runs as root (1) or not (0): the root rule (root-rule.ts) then refuses a user service that would run as root without `allow-root`, at load and at start. */
int32_t myco_security_host_identity(int32_t root);
/* The service's update strategy (-1 in any field: the default): strategy 0 rolling, 1 recreate; maxSurge and maxUnavailable in instances or 1000 + percent (defaults 25%, 25%); minReadyMs (0); progressDeadlineMs (600000); failuresMax new-revision failures before a rollback (1). The other update settings take their defaults (rolloutApply sets them all). Validated whole first: nothing changes on error. Takes effect from the next step. */
int32_t myco_rollout_configure(int32_t service, int32_t strategy, int32_t max_surge, int32_t max_unavailable, int32_t min_ready_ms, int32_t progress_deadline_ms, int32_t failures_max);
/* Applies the UPDATE record (rollout/record.ts, `length` its 64 bytes) written to the buffer; -1 fields: the defaults. */
int32_t myco_rollout_apply(int32_t service, const uint8_t* record, uint32_t record_length);
/* Writes the service's effective UPDATE record (every default filled in) to the buffer; returns its length. */
int32_t myco_rollout_read(int32_t service);
/* A new revision of the service (its spec changed in a way that needs new instances): recorded in the history and rolled out by the service's strategy. Returns the revision number, which the host maps to the new spec before it performs the actions (spawns read instanceRevision). */
int32_t myco_rollout_new(int32_t service);
/* Rolls out an earlier revision from the history (0: the last good one); returns it. */
int32_t myco_rollout_undo(int32_t service, int32_t revision);
/* Promotes the service's canaries (`myco rollout promote`): the rest of its instances follow by the rolling rule. */
int32_t myco_rollout_promote(int32_t service);
int32_t myco_rollout_pause(int32_t service);
int32_t myco_rollout_resume(int32_t service);
/* A field of the service's rollout: 0 phase (0 idle, 1 rolling, 2 paused, 3 rolling back), 1 target, 2 stable, 3 instances on the target, 4 running and not leaving, 5 failures, 6 base count, 7 strategy, 8 requests and 9 failed requests of the target revision in the error-rate window (as last sampled; capped at i32 max). */
int32_t myco_rollout_status(int32_t service, int32_t field);
/* Writes the history, oldest first, as (u16 revision, u8 outcome: 0 pending, 1 good, 2 rolled back, 3 superseded, u8 0); returns the count. */
int32_t myco_rollout_history(int32_t service);
/* The run-spec digest `revision` of the service runs (the manifest's RUN DIGEST section when the revision was made, 31 bits; 0: none given); E_UNKNOWN_REVISION when it is not in the history. The host spawns an instance with the spec it keeps for that digest. */
int32_t myco_rollout_revision_digest(int32_t service, int32_t revision);
/* The revision instance `handle` runs (or will run once its spawn is performed). */
int32_t myco_instance_revision(int32_t handle);
/* Sets this node's capacity of a resource (resources/vector.ts order; 0: not counted). Queued starts that now fit are admitted. */
int32_t myco_resource_capacity(int32_t resource, int64_t amount);
/* This node's capacity (which 0), what is held (1) or free (2) of a resource. */
int32_t myco_resource_node(int32_t resource, int32_t which, int64_t* out);
/* Declares unit `name` (I/O buffer): how many the node has, exclusive (1: one holder). Returns its id. */
int32_t myco_resource_unit(const char* name, uint32_t name_length, int32_t capacity, int32_t exclusive);
/* A unit's field: 0 capacity, 1 held, 2 exclusive, 3 the service holding it exclusively (-1 none). */
int32_t myco_resource_unit_field(int32_t unit, int32_t which);
/* Applies the RESOURCES record in the I/O buffer (resources/record.ts; -1: the default). What a running service holds stays as reserved. */
int32_t myco_resource_apply(int32_t service, const uint8_t* record, uint32_t record_length);
/* Writes the service's effective RESOURCES record to the I/O buffer; returns its length. */
int32_t myco_resource_read(int32_t service);
/* A service's admission: which 0 its state (0 none, 1 queued, 2 reserved, 3 committed), 1 its queue position (-1 not queued). */
int32_t myco_resource_admission(int32_t service, int32_t which);
/* Starts waiting in the admission queue. */
int32_t myco_resource_queued(void);
/* A usage sample of an instance: `value` of `resource` (vector.ts units). 1 when it took the service's over-limit action. */
int32_t myco_usage_report(int32_t handle, int32_t resource, int64_t value);
/* Samples that took an over-limit action since init. */
int32_t myco_usage_actions_taken(void);
/* Reserves `count` instances' requests of a service for `ttlMs` (expires uncommitted); returns the reservation id. */
int32_t myco_resource_reserve(int32_t service, int32_t count, int32_t ttl_ms);
/* Commits a reservation: held until released. */
int32_t myco_resource_commit(int32_t reservation);
/* Releases a reservation; queued starts that now fit are admitted. */
int32_t myco_resource_release(int32_t reservation);
/* The scaling metric of a service now (its `scale.metric`, per instance); returns the instance count it should have. */
int32_t myco_scale_report(int32_t service, int32_t value);
int32_t myco_io_capacity(void);
/* Writes the message of `code` to the I/O buffer; returns its length. */
int32_t myco_error_message_of(int32_t code);
/* Writes the last error's detail (service, field, value) to the I/O buffer; returns its length. */
int32_t myco_error_detail(void);
int32_t myco_last_error(void);
/* A capacity of this build's profile (see LIMIT_*), or E_INVALID_ARGUMENT. */
int32_t myco_limit(int32_t which);
int32_t myco_profile(void);
/* Registers the service named by the buffer; returns its id. type: 0 system, 1 user. */
int32_t myco_service_register(const char* name, uint32_t name_length, int32_t type, int32_t instances);
/* Removes a service at rest that no other service depends on. */
int32_t myco_service_unregister(int32_t id);
/* The id of the service named by the buffer. */
int32_t myco_service_lookup(const char* name, uint32_t name_length);
/* Writes the service's name to the buffer; returns its length. */
int32_t myco_service_name(int32_t id);
/* Adds the tag named by the buffer; returns the tag id. */
int32_t myco_service_tag_add(int32_t id, const char* tag, uint32_t tag_length);
/* The service's tag set (bit n: tag id n). */
int32_t myco_service_tag_mask(int32_t id, uint64_t* out);
/* Changes the instance count. At rest (or still waiting for its dependencies): at once. Serving (not in the mcu profile): new instances start in order; leaving ones drain, then stop, then go (lifecycle/resize.ts); the resulting actions are in the outbox on return. */
int32_t myco_service_set_instances(int32_t id, int32_t count);
int32_t myco_service_state(int32_t id);
int32_t myco_service_type(int32_t id);
int32_t myco_service_instances(int32_t id);
int32_t myco_service_count(void);
/* The current handle of instance `ordinal` of the service. */
int32_t myco_service_instance(int32_t id, int32_t ordinal);
int32_t myco_instance_state(int32_t handle);
/* `from` depends on `to`; kind: 1 requires, 2 wants, 3 after. */
int32_t myco_dependency_add(int32_t from, int32_t to, int32_t kind);
/* As dependencyAdd, with `to` named by the buffer (an unknown name is named in the error). */
int32_t myco_dependency_add_by_name(int32_t from, const char* name, uint32_t name_length, int32_t kind);
int32_t myco_dependency_remove(int32_t from, int32_t to);
/* The start order: writes (u16 id, u16 wave) per service to the buffer, waves ascending, ids ascending within a wave; returns the service count. Stop order is the reverse. E_DEPENDENCY_CYCLE when the graph has cycles; the detail lists them ("a -> b -> a"). */
int32_t myco_order(void);
/* The number of waves of the last successful order(). */
int32_t myco_order_wave_count(void);
int32_t myco_service_start(int32_t id);
int32_t myco_service_stop(int32_t id);
int32_t myco_service_restart(int32_t id);
int32_t myco_service_enable(int32_t id);
int32_t myco_service_disable(int32_t id);
int32_t myco_start_all(void);
int32_t myco_stop_all(void);
int32_t myco_instance_started(int32_t handle);
/* status >= 0: exit code; status < 0: killed by signal -status. */
int32_t myco_instance_exited(int32_t handle, int32_t status);
/* Fires due deadlines and settles; returns the number of actions waiting in the outbox. */
int32_t myco_tick(void);
/* Runs up to `ms`; returns early with the number of actions waiting when there are any. */
int32_t myco_run(int32_t ms);
/* The earliest pending deadline (ms on the HAL clock), or i64.MAX_VALUE when none. */
int32_t myco_next_deadline(int64_t* out);
/* Moves waiting actions (16-byte records) into the buffer; returns how many. */
int32_t myco_actions_drain(void);
int32_t myco_actions_pending(void);
/* Copies event records (32 bytes) from sequence `fromSeq` on into the buffer; returns how many. */
int32_t myco_events_read(uint32_t from_seq);
int32_t myco_events_next_seq(uint32_t* out);
int32_t myco_events_overwritten(uint32_t* out);
/* Defines receiver `id` (0..7): a failed delivery is retried after `retryInitialMs`, doubling up to `retryMaxMs`, `attemptsMax` tries in all (-1: the kernel's default). */
int32_t myco_alert_receiver_set(int32_t id, int32_t retry_initial_ms, int32_t retry_max_ms, int32_t attempts_max);
/* Appends a route (severities: info 1 | warning 2 | critical 4; service -1: any; -1 timings: the kernel's default); returns its index. The first matching route takes an alert. */
int32_t myco_alert_route_add(int32_t receiver, int32_t severities, int32_t service, int32_t group_wait_ms, int32_t repeat_ms, int32_t send_resolved);
/* Removes every receiver, route and notification group (before a manifest configures them again); silences stay. */
int32_t myco_alerts_clear(void);
/* Holds back notifications about `service` (-1: every service) for `durationMs`; returns the silence id. */
int32_t myco_alert_silence(int32_t service, int32_t duration_ms);
int32_t myco_alert_unsilence(int32_t id);
/* The service a silence in force covers (-1: every service), or an error. */
int32_t myco_alert_silence_service(int32_t id);
int32_t myco_alert_silence_until(int32_t id, int64_t* out);
/* The host's answer to ACTION_NOTIFY: delivered (ok 1) or not (ok 0); the kernel retries, repeats or gives up. */
int32_t myco_alert_report(int32_t group, int32_t ok);
/* A notification group's field: 0 service, 1 receiver, 2 state (1 firing, 2 resolved), 3 alerts, 4 severity, 5 reason, 6 attempt, 7 route. */
int32_t myco_alert_group_read(int32_t group, int32_t field);
/* 1 when the receiver is unreachable (its last delivery exhausted its attempts), else 0. */
int32_t myco_alert_receiver_down(int32_t id);
int32_t myco_counter(int32_t which, uint32_t* out);
/* The allocator's high-water mark: where the next allocation would start. Tables are reserved at init; if anything allocated afterwards this would grow (the zero-allocation proof). Reads the allocator's blocks without allocating (util/heap-top.ts). */
int32_t myco_heap_high_water(uint32_t* out);
int32_t myco_memory_pages(void);
/* Back to the state right after init, without allocating: every table cleared in place. */
int32_t myco_reset(void);
/* Does nothing: the cost of crossing the boundary, for benchmarks. */
int32_t myco_noop(void);
/* 1: the breaker admits a call now (it counts as in flight until reported); 0: refused. */
int32_t myco_breaker_acquire(int32_t handle);
/* Reports the finished call (outcome 0 failure, 1 success, 2 cancelled), then asks for the next permit. */
int32_t myco_breaker_pass(int32_t handle, double latency_ms, int32_t outcome);
/* Stages a snapshot of the whole kernel state; returns its length in bytes. Read it out with `snapshotRead` before any other call. */
int32_t myco_snapshot_take(void);
/* Copies the staged snapshot from byte `offset` (a multiple of 8) into the I/O buffer; returns the bytes copied (the buffer's capacity but for the last chunk). */
int32_t myco_snapshot_read(int32_t offset);
/* Feeds `length` bytes of a snapshot (I/O buffer) at `offset`: pass `apply` 0 verifies and changes nothing, pass 1 (after a complete verify of the same bytes) restores. Chunks in order from 0, multiples of 8 bytes but the last. Returns 1 when the pass is complete, else 0. */
int32_t myco_snapshot_restore(int32_t offset, const uint8_t* chunk, uint32_t chunk_length, int32_t apply);
/* One planning round: emits ACTION_MOVE (kind 10) for each displaced instance it starts moving; returns how many. */
int32_t myco_plan_round(void);
/* The executor's report on the move of an assignment slot: 0 started, 1 done (the kernel commits it), 2 failed (planned again next round). */
int32_t myco_plan_move_report(int32_t slot, int32_t outcome);
/* A manual move, audited: the instance of `slot` to `node`, by principal `requester` for host-defined reason code 1..255. */
int32_t myco_plan_move_request(int32_t slot, int32_t node, int32_t requester, int32_t reason);
/* Shrinks a node's capacity of a resource, moving the fewest instances off it first; returns how many wait for a node. */
int32_t myco_plan_shrink(int32_t node, int32_t resource, int64_t amount);
/* Health threshold (1..100 percent), the duration below it that drains a node, the healthy period that makes a rhizomorph promotable (ms). */
int32_t myco_plan_settings(int32_t threshold, int64_t duration_ms, int64_t promote_ms);
/* The plan's size: 0 moves needed and not yet emitted, 1 emitted and not started, 2 started, 3 rounds that emitted moves. */
int32_t myco_plan_size(int32_t field);
/* A slot's move: 0 state (0 none, 1 planned, 2 started), 1 running node, 2 target node, 3 strategy, 4 batch, 5 ms, 6 trigger. */
int32_t myco_plan_move(int32_t slot, int32_t field);
/* A node's health sample (0..100); returns 1 when it drained the node (below the threshold for the duration). */
int32_t myco_node_health_sample(int32_t node, int32_t percent);
/* Promotes a promotable rhizomorph (alive and healthy for the period) to sclerotia. */
int32_t myco_node_promote(int32_t node);
/* A node's health: 0 promotable (0/1), 1 ms healthy (-1: not), 2 ms below the threshold (-1: not). */
int32_t myco_node_health_field(int32_t node, int32_t field, int64_t* out);

#endif
