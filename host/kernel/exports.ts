// Generated from assembly/index.ts and the files it re-exports by targets/abi/generate.ts (npm run build). Do not edit.
// The raw exports of the kernel module, as the host calls them: one method per export of
// assembly/index.ts and the files it re-exports, in their parameter names and types.

/** The exports of assembly/discovery/abi.ts. */
export interface DiscoveryExports {
  /** Services matching a pattern (in the buffer; length 0: any name) and filters (-1: any): type (0 system, 1 user), state (STATE_*), health (0 unknown, 1 healthy, 2 unhealthy), and tags (a mask of tag ids, every one required). Writes u16 ids, ascending; returns the count. */
  discoveryQuery(patternLength: number, type: number, state: number, health: number, tags: bigint): number;
  /** Compiles the pattern at [0, patternLength) and matches it against the text right after it: 1 or 0. */
  discoveryPatternTest(patternLength: number, textLength: number): number;
  /** NFA steps of the last match (the linear-time proof: at most states x (text + 1) x 2). */
  discoveryPatternSteps(): number;
  /** Subscribes a pattern (buffer) with a type (-1 any) and tags (all of); returns the subscription id. */
  discoverySubscribe(patternLength: number, type: number, tags: bigint): number;
  discoveryUnsubscribe(subscription: number): number;
  /** The subscription's current members as u16 ids in the buffer; returns the count. */
  discoverySubscriptionMembers(subscription: number): number;
  /** Sets the cache TTL (ms; 0 turns the cache off) and empties the cache. */
  discoveryCacheTtl(ms: number): number;
  discoveryCounter(which: number): number;
  /** Reports a service's health to discovery (the health layer does this itself; hosts may too). */
  discoveryHealthSet(id: number, health: number): number;
  discoveryHealth(id: number): number;
  /** The id of the tag named by the buffer (for query and subscription tag masks). */
  tagLookup(nameLength: number): number;
  /** The service's dependencies as (u16 id, u8 kind, u8 condition) records; returns the count. */
  discoveryDependencies(id: number): number;
  readonly DISCOVERY_COUNTER_HITS: WebAssembly.Global;
  readonly DISCOVERY_COUNTER_MISSES: WebAssembly.Global;
  readonly DISCOVERY_COUNTER_EVICTIONS: WebAssembly.Global;
  readonly DISCOVERY_COUNTER_STALE: WebAssembly.Global;
  readonly DISCOVERY_COUNTER_ENTRIES: WebAssembly.Global;
  readonly DISCOVERY_COUNTER_GENERATION: WebAssembly.Global;
}

/** The exports of assembly/placement/abi.ts. */
export interface PlacementExports {
  /** Registers node `name` (I/O buffer): tier 0 sclerotia, 1 rhizomorph, 2 hyphae; trust and reliability 0..100. Returns its id. */
  nodeRegister(nameLength: number, tier: number, trust: number, reliability: number): number;
  /** The id of node `name` (I/O buffer). */
  nodeFind(nameLength: number): number;
  /** Removes a node; its instances are placed elsewhere first. Returns how many wait for a node. */
  nodeRemove(node: number): number;
  /** Sets a node's capacity of a resource (0 cpu millicores, 1 memory, 2 storage, 3 scratch, 4 iops, 5 bandwidth, 6 connections, 7 gpu, 8 fds, 9 pids). */
  nodeCapacity(node: number, resource: number, amount: bigint): number;
  /** Interns label `key=value` (I/O buffer); returns its id. */
  placementLabel(labelLength: number): number;
  /** Gives (on 1) or takes (on 0) a label to a node; instances whose rules it now breaks are placed elsewhere. */
  nodeLabel(node: number, label: number, on: number): number;
  /** Sets a node's zone (its location) to a label (-1: none); the export is not named nodeZone because wasm2c escapes a capital Z (firmware names). Set it before the node has instances (zone spread is counted when placing). */
  nodeLocation(node: number, label: number): number;
  /** The host's load sample of a node, 0..100 percent. */
  nodeLoad(node: number, percent: number): number;
  /** Sets a node's state: 1 alive, 2 suspect (takes nothing new), 3 draining, 4 dead (their instances are placed elsewhere). Returns how many instances wait for a node. */
  nodeState(node: number, state: number): number;
  /** A node's field: 0 tier, 1 state, 2 trust, 3 reliability, 4 load, 5 zone label (-1 none). */
  nodeField(node: number, field: number): number;
  /** What a node's instances use of a resource (used 1), its capacity (used 0), or what moves off it under way hold (used 2: the old instances still run); negative: an error. */
  nodeResource(node: number, resource: number, used: number): bigint;
  /** A service's placement: class (0 critical, 1 user, 2 client, 3 distributed), scoring (0 binpack, 1 spread), max per node (0 none), spread over zones (0/1). */
  placementSpec(service: number, placementClass: number, scoring: number, maxPerNode: number, spreadZone: number): number;
  /** What one instance of a service needs of a resource. */
  placementRequest(service: number, resource: number, amount: bigint): number;
  /** Adds a label rule to a service: action 0 require, 1 forbid, 2 prefer, 3 avoid. */
  placementRule(service: number, label: number, action: number): number;
  /** Places `count` more instances of a service, all or none; returns how many it has. A refusal's detail counts the nodes each reason excluded. */
  placementPlace(service: number, count: number): number;
  /** Removes a service's `count` newest instances; returns how many it has left. */
  placementRemove(service: number, count: number): number;
  /** Instances of a service (-1: any) on a node (-1: waiting for a node). */
  placementCount(service: number, node: number): number;
  /** The node of assignment slot 0..placementSlots()-1 (65535: waiting for a node); an error when the slot is free. */
  placementSlotNode(slot: number): number;
  /** The service of an assignment slot, or -1 when the slot is free. */
  placementSlotService(slot: number): number;
  /** The size of the assignment table (0 without placement). */
  placementSlots(): number;
  /** The size of the node table (0 without placement). */
  placementNodes(): number;
  /** Nodes the last refusal excluded for a reason: 0 not alive, 1 tier, 2 required label, 3 forbidden label, 4 max-per-node, 5.. a resource (5 + resource). */
  placementRefusal(reason: number): number;
  /** Clears a service's placement spec back to the defaults (its placed instances stay). */
  placementClear(service: number): number;
  /** Assignment (0 automatic, 1 rules, 2 direct) and migration policy (0 blue-green, 1 rolling, 2 live; batch; ms: health gate, interval or downtime tolerance). */
  placementAssign(service: number, assignment: number, migration: number, batch: number, ms: bigint): number;
  /** Appends node `name` (I/O buffer) to a direct assignment: the first is the primary, the next the backups in order. Returns its position. */
  placementDirect(service: number, nameLength: number): number;
  /** Deployment model (0 standard, 1 native, 2 replicated, 3 auto), native's shards and shards moved per step, replicated's backups, auto's traits (1 own consensus, 2 needs high availability, 4 needs a whole OS). */
  placementDeploy(service: number, model: number, shards: number, rebalance: number, backups: number, traits: number): number;
  /** A rule on a condition: 0 tier is `value`, 1 label id `value`, 2 load above, 3 load below `value` percent, 4 trust at least `value`; action 0 require, 1 forbid, 2 prefer, 3 avoid; priority 0..100 weighs a soft rule. */
  placementRuleWhen(service: number, condition: number, action: number, priority: number, value: number): number;
  /** A service's placement spec: 0 class, 1 scoring, 2 max-per-node, 3 spread over zones, 4 assignment, 5 migration, 6 batch, 7 migration ms, 8 declared deployment, 9 the deployment in force, 10 auto's rationale (0 declared, 1 own consensus, 2 needs high availability, 3 needs a whole OS, 4 neither), 11 shards, 12 shards moved per step, 13 backups per instance, 14 condition rules. */
  placementSpecField(service: number, field: number): number;
  /** The k-th backup node of an assignment slot (65535: none). */
  placementBackup(slot: number, k: number): number;
  /** Backups missing over the placed instances of a service (-1: every service): critical with one sclerotia, for instance. */
  placementBackupsMissing(service: number): number;
  /** Reserves `count` more instances of a service for `ttlMs` (all or none, capacity held); returns the reservation id. */
  placementReserve(service: number, count: number, ttlMs: bigint): number;
  /** Commits a pending reservation: its instances become ordinary assignments. Returns how many. */
  placementCommit(reservation: number): number;
  /** Releases a pending reservation: its instances go and their capacity is free. Returns how many. */
  placementRelease(reservation: number): number;
  /** A reservation's instance count while pending, or -1 (committed, released, expired). */
  placementReservation(reservation: number): number;
  /** Whether an assignment slot belongs to a pending reservation (1) or not (0). */
  placementSlotReserved(slot: number): number;
  /** A manual move: the instance of assignment slot `slot` to `node`, if the node can take it (else an error naming why; nothing moves). */
  placementMove(slot: number, node: number): number;
}

/** The exports of assembly/config/abi.ts. */
export interface ConfigExports {
  /** The number of config keys of a service. */
  configCount(id: number): number;
  /** Writes the name of key `ordinal` of the service to the buffer; returns its length. */
  configKeyAt(id: number, ordinal: number): number;
  /** (type << 8) | flags of the key named by the buffer (config/schema.ts CONFIG_*, FLAG_*). */
  configInfo(id: number, keyLength: number): number;
  /** Writes the value of the key named by the buffer as text; E_CONFIG_SECRET for a secret. */
  configGet(id: number, keyLength: number): number;
  /** The one path that writes a secret in clear: for executors building a service's environment. */
  configSecretReveal(id: number, keyLength: number): number;
  /** The service's instance addresses ("a,b" by ordinal) in the buffer; returns the length. */
  discoveryAddresses(id: number): number;
}

/** The exports of assembly/manifest/abi.ts. */
export interface ManifestExports {
  /** Copies `length` bytes from the I/O buffer into the staging slot at `offset`. */
  manifestStage(offset: number, length: number): number;
  /** Validates the `length` staged bytes and applies them; returns the new revision. On any error nothing changed: the detail names the service, field and value, manifestErrorOffset the offset. */
  manifestLoad(length: number): number;
  /** Back to the previous version (the current one becomes the previous); returns the revision. */
  manifestRollback(): number;
  manifestRevision(): number;
  manifestSerial(): number;
  manifestErrorOffset(): number;
  manifestCapacity(): number;
  /** Services with a removal, resize or restart waiting for them to come to rest. */
  manifestPending(): number;
  /** Builds the dump (blob format, secrets redacted) in the staging slot; returns its length. */
  manifestDump(): number;
  /** Copies dump bytes from `offset` into the I/O buffer; returns how many. */
  manifestDumpRead(offset: number): number;
  /** The id of the check the service's HEALTH section made (the host runs it); 65535 when none. */
  manifestCheck(service: number): number;
}

/** The exports of assembly/balance/abi.ts. */
export interface BalanceExports {
  balanceSetWeight(handle: number, weight: number): number;
  /** enabled 0 takes the instance out of balancing (and out of the consistent-hash membership). */
  balanceSetEnabled(handle: number, enabled: number): number;
  /** draining 1: no new requests (those in flight finish); cleared when the instance is spawned again. */
  balanceSetDraining(handle: number, draining: number): number;
  /** health: 0 unknown, 1 healthy, 2 degraded, 3 unhealthy (unknown is treated as healthy). */
  instanceSetHealth(handle: number, health: number): number;
  /** Holds the instance's breaker open; returns the isolations held (reference-counted). */
  breakerIsolate(handle: number): number;
  /** Drops one isolation; returns the isolations still held. */
  breakerRelease(handle: number): number;
  /** Closes the instance's breaker now (isolations still hold it open). */
  breakerReset(handle: number): number;
  /** Picks an instance for a request (which counts as started); returns its handle. */
  balancePick(service: number): number;
  /** As balancePick, with a 32-bit key for IP hash (an IPv4 address) and consistent hash. */
  balancePickKey(service: number, key: number): number;
  /** As balancePick, keyed by the buffer's bytes: IP hash takes 4 (IPv4) or 16 (IPv6), consistent hash any. */
  balancePickBytes(service: number, length: number): number;
  /** `count` picks in a loop inside the kernel (what a native host pays per pick), keys keyBase, keyBase + 1, ... for the keyed strategies. Returns the handle of the last pick. */
  balancePickBatch(service: number, count: number, keyBase: number): number;
  /** `count` picks for `count` requests in one call, so a host routing many requests crosses the boundary once: the handles go to the I/O buffer as i32 (4 bytes each, little-endian). The keyed strategies (IP hash, consistent hash) take the requests' u32 keys from the buffer (keysLength = 4 * count; each is overwritten by its pick); with keysLength 0 they draw random keys, as balancePick does. Returns the picks written: `count`, or fewer when the pool ran out part way (the first pick's error when none was made). */
  balancePickMany(service: number, count: number, keysLength: number): number;
  /** The host routed a request to this instance itself: E_BREAKER_OPEN when its breaker refuses. */
  balanceRequestStarted(handle: number): number;
  /** outcome: 0 failure, 1 success, 2 cancelled (leaves the in-flight count only). */
  balanceRequestFinished(handle: number, latencyMs: number, outcome: number): number;
  /** Writes the instance's 64-byte statistics record (balance/stats.ts) to the buffer; returns 64. */
  balanceInstanceStats(handle: number): number;
  /** Writes the service's 64-byte statistics record (balance/stats.ts) to the buffer; returns 64. */
  balanceServiceStats(service: number): number;
}

/** The exports of assembly/health/abi.ts. */
export interface HealthExports {
  /** Adds a health check to a service at rest from the CHECK record in the buffer (`length` 28: kind, role, intervalMs, timeoutMs, startPeriodMs, rise, fall as i32; -1 in a field is the kernel's default; health/record.ts); returns the check id. */
  checkAdd(service: number, length: number): number;
  /** Writes the check's effective CHECK record (every default filled in) to the buffer; returns 28. */
  checkRecord(check: number): number;
  checkRemove(check: number): number;
  /** The host's answer to ACTION_RUN_CHECK: outcome 0 success, 1 failure, 2 timeout; latency in ms. Returns 0 when applied, 1 when ignored (it came after the timeout, or was not asked for). */
  checkReport(check: number, handle: number, outcome: number, latencyMs: number): number;
  /** HEALTH_*: 0 unknown, 1 healthy, 2 degraded, 3 unhealthy. */
  healthOfService(service: number): number;
  healthOfInstance(handle: number): number;
  /** Writes the service's last results (16-byte records, oldest first) to the buffer; returns how many. */
  healthHistory(service: number): number;
  /** Basis points (10000 = 100 %) of the availability window the service was up. */
  healthAvailability(service: number): number;
  healthSetWindow(service: number, windowMs: number): number;
  /** Flapping: `transitions` health changes within `windowMs` (defaults 5 in 60 s). */
  healthSetFlapping(service: number, transitions: number, windowMs: number): number;
  /** Watchdog period (0: none); applies from each instance's next start. */
  watchdogSet(service: number, periodMs: number): number;
  watchdogPing(handle: number): number;
  /** condition 0: `to` counts once running; 1: once running and healthy (compose service_healthy). */
  dependencyCondition(from: number, to: number, condition: number): number;
  healthCounter(which: number): number;
  readonly HEALTH_COUNTER_ALERTS: WebAssembly.Global;
  readonly HEALTH_COUNTER_ALERTS_SUPPRESSED: WebAssembly.Global;
  readonly HEALTH_COUNTER_CHECKS_RUN: WebAssembly.Global;
  readonly HEALTH_COUNTER_CHECK_TIMEOUTS: WebAssembly.Global;
}

/** The exports of assembly/recovery/abi.ts. */
export interface RecoveryExports {
  /** systemctl reset-failed: forgets the restart record and a give-up, so the service may start again. */
  recoveryReset(service: number): number;
  recoveryInfo(service: number, which: number): number;
  readonly RECOVERY_RESTARTS_IN_WINDOW: WebAssembly.Global;
  readonly RECOVERY_BACKOFF_ATTEMPT: WebAssembly.Global;
  readonly RECOVERY_ESCALATION_LEVEL: WebAssembly.Global;
  readonly RECOVERY_GAVE_UP: WebAssembly.Global;
  readonly RECOVERY_LAST_DELAY_MS: WebAssembly.Global;
  readonly RECOVERY_POLICY: WebAssembly.Global;
}

/** The exports of assembly/records/abi.ts. */
export interface RecordsExports {
  /** Applies the configuration record of `section` (0 timeouts, 1 balance, 2 breaker, 3 outlier, 4 recovery) written to the buffer: i32 fields, -1 in a field is the kernel's default; `length` must be the section's size (8, 24, 40, 20, 104). The whole record is checked before anything changes, whatever order its fields were filled in. */
  recordApply(service: number, section: number, length: number): number;
  /** Writes the service's effective record of `section` (every default filled in) to the buffer; returns its length. */
  recordRead(service: number, section: number): number;
}

/** The exports of assembly/security/abi.ts. */
export interface SecurityExports {
  /** Registers principal `name` (I/O buffer) with a role: 0 viewer, 1 operator, 2 admin, 3 custom (then `capabilities` is its set). The host's bootstrap; later changes go through principalGrant. */
  principalRegister(nameLength: number, role: number, capabilities: number): number;
  /** The id of principal `name` (I/O buffer). */
  principalFind(nameLength: number): number;
  /** `actor` gives `principal` a role (3: custom, with `capabilities`); needs the roles capability. Audited. */
  principalGrant(actor: number, principal: number, role: number, capabilities: number): number;
  /** A principal's role (which 0) or capability set (which 1). */
  principalRead(principal: number, which: number): number;
  /** OK when `principal` may run control `command` (0 status, 1 logs, 2 metrics, 3 start, 4 stop, 5 restart, 6 reload, 7 rollout, 8 silence, 9 secrets, 10 upgrade, 11 fleet-move, 12 roles, 13 audit) on `service` (-1: none); otherwise E_ACCESS_DENIED naming all three. A change to a system service needs admin. Every change, allowed or denied, and every denial is audited (an audit event in the event log). */
  authorise(principal: number, command: number, service: number): number;
  /** The host reports once whether it runs as root (1) or not (0): the root rule (root-rule.ts) then refuses a user service that would run as root without `allow-root`, at load and at start. */
  securityHostIdentity(root: number): number;
}

/** The exports of assembly/rollout/abi.ts. */
export interface RolloutExports {
  /** The service's update strategy (-1 in any field: the default): strategy 0 rolling, 1 recreate; maxSurge and maxUnavailable in instances or 1000 + percent (defaults 25%, 25%); minReadyMs (0); progressDeadlineMs (600000); failuresMax new-revision failures before a rollback (1). The other update settings take their defaults (rolloutApply sets them all). Validated whole first: nothing changes on error. Takes effect from the next step. */
  rolloutConfigure(service: number, strategy: number, maxSurge: number, maxUnavailable: number, minReadyMs: number, progressDeadlineMs: number, failuresMax: number): number;
  /** Applies the UPDATE record (rollout/record.ts, `length` its 64 bytes) written to the buffer; -1 fields: the defaults. */
  rolloutApply(service: number, length: number): number;
  /** Writes the service's effective UPDATE record (every default filled in) to the buffer; returns its length. */
  rolloutRead(service: number): number;
  /** A new revision of the service (its spec changed in a way that needs new instances): recorded in the history and rolled out by the service's strategy. Returns the revision number, which the host maps to the new spec before it performs the actions (spawns read instanceRevision). */
  rolloutNew(service: number): number;
  /** Rolls out an earlier revision from the history (0: the last good one); returns it. */
  rolloutUndo(service: number, revision: number): number;
  /** Promotes the service's canaries (`myco rollout promote`): the rest of its instances follow by the rolling rule. */
  rolloutPromote(service: number): number;
  rolloutPause(service: number): number;
  rolloutResume(service: number): number;
  /** A field of the service's rollout: 0 phase (0 idle, 1 rolling, 2 paused, 3 rolling back), 1 target, 2 stable, 3 instances on the target, 4 running and not leaving, 5 failures, 6 base count, 7 strategy, 8 requests and 9 failed requests of the target revision in the error-rate window (as last sampled; capped at i32 max). */
  rolloutStatus(service: number, field: number): number;
  /** Writes the history, oldest first, as (u16 revision, u8 outcome: 0 pending, 1 good, 2 rolled back, 3 superseded, u8 0); returns the count. */
  rolloutHistory(service: number): number;
  /** The run-spec digest `revision` of the service runs (the manifest's RUN DIGEST section when the revision was made, 31 bits; 0: none given); E_UNKNOWN_REVISION when it is not in the history. The host spawns an instance with the spec it keeps for that digest. */
  rolloutRevisionDigest(service: number, revision: number): number;
  /** The revision instance `handle` runs (or will run once its spawn is performed). */
  instanceRevision(handle: number): number;
  readonly ROLLOUT_FIELD_PHASE: WebAssembly.Global;
  readonly ROLLOUT_FIELD_TARGET: WebAssembly.Global;
  readonly ROLLOUT_FIELD_STABLE: WebAssembly.Global;
  readonly ROLLOUT_FIELD_UPDATED: WebAssembly.Global;
  readonly ROLLOUT_FIELD_AVAILABLE: WebAssembly.Global;
  readonly ROLLOUT_FIELD_FAILURES: WebAssembly.Global;
  readonly ROLLOUT_FIELD_BASE: WebAssembly.Global;
  readonly ROLLOUT_FIELD_STRATEGY: WebAssembly.Global;
  readonly ROLLOUT_FIELD_WINDOW_REQUESTS: WebAssembly.Global;
  readonly ROLLOUT_FIELD_WINDOW_FAILURES: WebAssembly.Global;
}

/** The exports of assembly/resources/abi.ts. */
export interface ResourcesExports {
  /** Sets this node's capacity of a resource (resources/vector.ts order; 0: not counted). Queued starts that now fit are admitted. */
  resourceCapacity(resource: number, amount: bigint): number;
  /** This node's capacity (which 0), what is held (1) or free (2) of a resource. */
  resourceNode(resource: number, which: number): bigint;
  /** Declares unit `name` (I/O buffer): how many the node has, exclusive (1: one holder). Returns its id. */
  resourceUnit(nameLength: number, capacity: number, exclusive: number): number;
  /** A unit's field: 0 capacity, 1 held, 2 exclusive, 3 the service holding it exclusively (-1 none). */
  resourceUnitField(unit: number, which: number): number;
  /** Applies the RESOURCES record in the I/O buffer (resources/record.ts; -1: the default). What a running service holds stays as reserved. */
  resourceApply(service: number, length: number): number;
  /** Writes the service's effective RESOURCES record to the I/O buffer; returns its length. */
  resourceRead(service: number): number;
  /** A service's admission: which 0 its state (0 none, 1 queued, 2 reserved, 3 committed), 1 its queue position (-1 not queued). */
  resourceAdmission(service: number, which: number): number;
  /** Starts waiting in the admission queue. */
  resourceQueued(): number;
  /** A usage sample of an instance: `value` of `resource` (vector.ts units). 1 when it took the service's over-limit action. */
  usageReport(handle: number, resource: number, value: bigint): number;
  /** Samples that took an over-limit action since init. */
  usageActionsTaken(): number;
  /** Reserves `count` instances' requests of a service for `ttlMs` (expires uncommitted); returns the reservation id. */
  resourceReserve(service: number, count: number, ttlMs: number): number;
  /** Commits a reservation: held until released. */
  resourceCommit(reservation: number): number;
  /** Releases a reservation; queued starts that now fit are admitted. */
  resourceRelease(reservation: number): number;
  /** The scaling metric of a service now (its `scale.metric`, per instance); returns the instance count it should have. */
  scaleReport(service: number, value: number): number;
}

/** The exports of assembly/index.ts. */
export interface CoreExports {
  ioBuffer(): number;
  ioCapacity(): number;
  /** Writes the message of `code` to the I/O buffer; returns its length. */
  errorMessageOf(code: number): number;
  /** Writes the last error's detail (service, field, value) to the I/O buffer; returns its length. */
  errorDetail(): number;
  lastError(): number;
  /** A capacity of this build's profile (see LIMIT_*), or E_INVALID_ARGUMENT. */
  limit(which: number): number;
  profile(): number;
  /** Registers the service named by the buffer; returns its id. type: 0 system, 1 user. */
  serviceRegister(nameLength: number, type: number, instances: number): number;
  /** Removes a service at rest that no other service depends on. */
  serviceUnregister(id: number): number;
  /** The id of the service named by the buffer. */
  serviceLookup(nameLength: number): number;
  /** Writes the service's name to the buffer; returns its length. */
  serviceName(id: number): number;
  /** Adds the tag named by the buffer; returns the tag id. */
  serviceTagAdd(id: number, tagLength: number): number;
  /** The service's tag set (bit n: tag id n). */
  serviceTagMask(id: number): bigint;
  /** Changes the instance count. At rest (or still waiting for its dependencies): at once. Serving (not in the mcu profile): new instances start in order; leaving ones drain, then stop, then go (lifecycle/resize.ts); the resulting actions are in the outbox on return. */
  serviceSetInstances(id: number, count: number): number;
  serviceState(id: number): number;
  serviceType(id: number): number;
  serviceInstances(id: number): number;
  serviceCount(): number;
  /** The current handle of instance `ordinal` of the service. */
  serviceInstance(id: number, ordinal: number): number;
  instanceState(handle: number): number;
  /** `from` depends on `to`; kind: 1 requires, 2 wants, 3 after. */
  dependencyAdd(from: number, to: number, kind: number): number;
  /** As dependencyAdd, with `to` named by the buffer (an unknown name is named in the error). */
  dependencyAddByName(from: number, nameLength: number, kind: number): number;
  dependencyRemove(from: number, to: number): number;
  /** The start order: writes (u16 id, u16 wave) per service to the buffer, waves ascending, ids ascending within a wave; returns the service count. Stop order is the reverse. E_DEPENDENCY_CYCLE when the graph has cycles; the detail lists them ("a -> b -> a"). */
  order(): number;
  /** The number of waves of the last successful order(). */
  orderWaveCount(): number;
  serviceStart(id: number): number;
  serviceStop(id: number): number;
  serviceRestart(id: number): number;
  serviceEnable(id: number): number;
  serviceDisable(id: number): number;
  startAll(): number;
  stopAll(): number;
  instanceStarted(handle: number): number;
  /** status >= 0: exit code; status < 0: killed by signal -status. */
  instanceExited(handle: number, status: number): number;
  /** Fires due deadlines and settles; returns the number of actions waiting in the outbox. */
  tick(): number;
  /** Runs up to `ms`; returns early with the number of actions waiting when there are any. */
  run(ms: number): number;
  /** The earliest pending deadline (ms on the HAL clock), or i64.MAX_VALUE when none. */
  nextDeadline(): bigint;
  /** Moves waiting actions (16-byte records) into the buffer; returns how many. */
  actionsDrain(): number;
  actionsPending(): number;
  /** Copies event records (32 bytes) from sequence `fromSeq` on into the buffer; returns how many. */
  eventsRead(fromSeq: number): number;
  eventsNextSeq(): number;
  eventsOverwritten(): number;
  /** Defines receiver `id` (0..7): a failed delivery is retried after `retryInitialMs`, doubling up to `retryMaxMs`, `attemptsMax` tries in all (-1: the kernel's default). */
  alertReceiverSet(id: number, retryInitialMs: number, retryMaxMs: number, attemptsMax: number): number;
  /** Appends a route (severities: info 1 | warning 2 | critical 4; service -1: any; -1 timings: the kernel's default); returns its index. The first matching route takes an alert. */
  alertRouteAdd(receiver: number, severities: number, service: number, groupWaitMs: number, repeatMs: number, sendResolved: number): number;
  /** Removes every receiver, route and notification group (before a manifest configures them again); silences stay. */
  alertsClear(): number;
  /** Holds back notifications about `service` (-1: every service) for `durationMs`; returns the silence id. */
  alertSilence(service: number, durationMs: number): number;
  alertUnsilence(id: number): number;
  /** The service a silence in force covers (-1: every service), or an error. */
  alertSilenceService(id: number): number;
  alertSilenceUntil(id: number): bigint;
  /** The host's answer to ACTION_NOTIFY: delivered (ok 1) or not (ok 0); the kernel retries, repeats or gives up. */
  alertReport(group: number, ok: number): number;
  /** A notification group's field: 0 service, 1 receiver, 2 state (1 firing, 2 resolved), 3 alerts, 4 severity, 5 reason, 6 attempt, 7 route. */
  alertGroupRead(group: number, field: number): number;
  /** 1 when the receiver is unreachable (its last delivery exhausted its attempts), else 0. */
  alertReceiverDown(id: number): number;
  counter(which: number): number;
  /** The allocator's high-water mark: where the next allocation would start. Tables are reserved at init; if anything allocated afterwards this would grow (the zero-allocation proof). Reads the allocator's blocks without allocating (util/heap-top.ts). */
  heapHighWater(): number;
  memoryPages(): number;
  /** Back to the state right after init, without allocating: every table cleared in place. */
  reset(): void;
  /** Does nothing: the cost of crossing the boundary, for benchmarks. */
  noop(): void;
  readonly LIMIT_SERVICES: WebAssembly.Global;
  readonly LIMIT_INSTANCES: WebAssembly.Global;
  readonly LIMIT_INSTANCES_PER_SERVICE: WebAssembly.Global;
  readonly LIMIT_EDGES: WebAssembly.Global;
  readonly LIMIT_TAGS: WebAssembly.Global;
  readonly LIMIT_NAME_BYTES: WebAssembly.Global;
  readonly LIMIT_EVENT_LOG: WebAssembly.Global;
  readonly LIMIT_OUTBOX: WebAssembly.Global;
  readonly LIMIT_IO_BYTES: WebAssembly.Global;
  readonly COUNTER_ACTIONS_DEFERRED: WebAssembly.Global;
  readonly COUNTER_CLOCK_BACKWARD_STEPS: WebAssembly.Global;
  readonly COUNTER_TIMERS_ARMED: WebAssembly.Global;
}

/** The exports of assembly/balance/permit.ts. */
export interface BalancePermitExports {
  /** 1: the breaker admits a call now (it counts as in flight until reported); 0: refused. */
  breakerAcquire(handle: number): number;
  /** Reports the finished call (outcome 0 failure, 1 success, 2 cancelled), then asks for the next permit. */
  breakerPass(handle: number, latencyMs: number, outcome: number): number;
}

/** The exports of assembly/snapshot/abi.ts. */
export interface SnapshotExports {
  /** Stages a snapshot of the whole kernel state; returns its length in bytes. Read it out with `snapshotRead` before any other call. */
  snapshotTake(): number;
  /** Copies the staged snapshot from byte `offset` (a multiple of 8) into the I/O buffer; returns the bytes copied (the buffer's capacity but for the last chunk). */
  snapshotRead(offset: number): number;
  /** Feeds `length` bytes of a snapshot (I/O buffer) at `offset`: pass `apply` 0 verifies and changes nothing, pass 1 (after a complete verify of the same bytes) restores. Chunks in order from 0, multiples of 8 bytes but the last. Returns 1 when the pass is complete, else 0. */
  snapshotRestore(offset: number, length: number, apply: number): number;
  /** The regions a snapshot leaves out (the I/O buffer, the error detail's fields and bytes, the record scratch): field 0 the address of region `k`, field 1 its bytes. For proofs that a refused restore changed nothing else. */
  snapshotLeftOut(k: number, field: number): number;
}

/** The exports of assembly/placement/plan-abi.ts. */
export interface PlacementPlanExports {
  /** One planning round: emits ACTION_MOVE (kind 10) for each displaced instance it starts moving; returns how many. */
  planRound(): number;
  /** The executor's report on the move of an assignment slot: 0 started, 1 done (the kernel commits it), 2 failed (planned again next round). */
  planMoveReport(slot: number, outcome: number): number;
  /** A manual move, audited: the instance of `slot` to `node`, by principal `requester` for host-defined reason code 1..255. */
  planMoveRequest(slot: number, node: number, requester: number, reason: number): number;
  /** Shrinks a node's capacity of a resource, moving the fewest instances off it first; returns how many wait for a node. */
  planShrink(node: number, resource: number, amount: bigint): number;
  /** Health threshold (1..100 percent), the duration below it that drains a node, the healthy period that makes a rhizomorph promotable (ms). */
  planSettings(threshold: number, durationMs: bigint, promoteMs: bigint): number;
  /** The plan's size: 0 moves needed and not yet emitted, 1 emitted and not started, 2 started, 3 rounds that emitted moves. */
  planSize(field: number): number;
  /** A slot's move: 0 state (0 none, 1 planned, 2 started), 1 running node, 2 target node, 3 strategy, 4 batch, 5 ms, 6 trigger. */
  planMove(slot: number, field: number): number;
  /** A node's health sample (0..100); returns 1 when it drained the node (below the threshold for the duration). */
  nodeHealthSample(node: number, percent: number): number;
  /** Promotes a promotable rhizomorph (alive and healthy for the period) to sclerotia. */
  nodePromote(node: number): number;
  /** A node's health: 0 promotable (0/1), 1 ms healthy (-1: not), 2 ms below the threshold (-1: not). */
  nodeHealthField(node: number, field: number): bigint;
}

/** Everything the kernel module exports. */
export interface KernelExports extends DiscoveryExports, PlacementExports, ConfigExports, ManifestExports, BalanceExports, HealthExports, RecoveryExports, RecordsExports, SecurityExports, RolloutExports, ResourcesExports, CoreExports, BalancePermitExports, SnapshotExports, PlacementPlanExports {
  readonly memory: WebAssembly.Memory;
}

export type KernelFunctionName = (typeof KERNEL_FUNCTIONS)[number];

/** The exported functions' names, in the order of the description. */
export const KERNEL_FUNCTIONS = [
  "discoveryQuery", "discoveryPatternTest", "discoveryPatternSteps", "discoverySubscribe",
  "discoveryUnsubscribe", "discoverySubscriptionMembers", "discoveryCacheTtl", "discoveryCounter",
  "discoveryHealthSet", "discoveryHealth", "tagLookup", "discoveryDependencies", "nodeRegister",
  "nodeFind", "nodeRemove", "nodeCapacity", "placementLabel", "nodeLabel", "nodeLocation",
  "nodeLoad", "nodeState", "nodeField", "nodeResource", "placementSpec", "placementRequest",
  "placementRule", "placementPlace", "placementRemove", "placementCount", "placementSlotNode",
  "placementSlotService", "placementSlots", "placementNodes", "placementRefusal", "placementClear",
  "placementAssign", "placementDirect", "placementDeploy", "placementRuleWhen",
  "placementSpecField", "placementBackup", "placementBackupsMissing", "placementReserve",
  "placementCommit", "placementRelease", "placementReservation", "placementSlotReserved",
  "placementMove", "configCount", "configKeyAt", "configInfo", "configGet", "configSecretReveal",
  "discoveryAddresses", "manifestStage", "manifestLoad", "manifestRollback", "manifestRevision",
  "manifestSerial", "manifestErrorOffset", "manifestCapacity", "manifestPending", "manifestDump",
  "manifestDumpRead", "manifestCheck", "balanceSetWeight", "balanceSetEnabled",
  "balanceSetDraining", "instanceSetHealth", "breakerIsolate", "breakerRelease", "breakerReset",
  "balancePick", "balancePickKey", "balancePickBytes", "balancePickBatch", "balancePickMany",
  "balanceRequestStarted", "balanceRequestFinished", "balanceInstanceStats", "balanceServiceStats",
  "checkAdd", "checkRecord", "checkRemove", "checkReport", "healthOfService", "healthOfInstance",
  "healthHistory", "healthAvailability", "healthSetWindow", "healthSetFlapping", "watchdogSet",
  "watchdogPing", "dependencyCondition", "healthCounter", "recoveryReset", "recoveryInfo",
  "recordApply", "recordRead", "principalRegister", "principalFind", "principalGrant",
  "principalRead", "authorise", "securityHostIdentity", "rolloutConfigure", "rolloutApply",
  "rolloutRead", "rolloutNew", "rolloutUndo", "rolloutPromote", "rolloutPause", "rolloutResume",
  "rolloutStatus", "rolloutHistory", "rolloutRevisionDigest", "instanceRevision",
  "resourceCapacity", "resourceNode", "resourceUnit", "resourceUnitField", "resourceApply",
  "resourceRead", "resourceAdmission", "resourceQueued", "usageReport", "usageActionsTaken",
  "resourceReserve", "resourceCommit", "resourceRelease", "scaleReport", "ioBuffer", "ioCapacity",
  "errorMessageOf", "errorDetail", "lastError", "limit", "profile", "serviceRegister",
  "serviceUnregister", "serviceLookup", "serviceName", "serviceTagAdd", "serviceTagMask",
  "serviceSetInstances", "serviceState", "serviceType", "serviceInstances", "serviceCount",
  "serviceInstance", "instanceState", "dependencyAdd", "dependencyAddByName", "dependencyRemove",
  "order", "orderWaveCount", "serviceStart", "serviceStop", "serviceRestart", "serviceEnable",
  "serviceDisable", "startAll", "stopAll", "instanceStarted", "instanceExited", "tick", "run",
  "nextDeadline", "actionsDrain", "actionsPending", "eventsRead", "eventsNextSeq",
  "eventsOverwritten", "alertReceiverSet", "alertRouteAdd", "alertsClear", "alertSilence",
  "alertUnsilence", "alertSilenceService", "alertSilenceUntil", "alertReport", "alertGroupRead",
  "alertReceiverDown", "counter", "heapHighWater", "memoryPages", "reset", "noop", "breakerAcquire",
  "breakerPass", "snapshotTake", "snapshotRead", "snapshotRestore", "snapshotLeftOut", "planRound",
  "planMoveReport", "planMoveRequest", "planShrink", "planSettings", "planSize", "planMove",
  "nodeHealthSample", "nodePromote", "nodeHealthField",
] as const;

/** The exported constants' values (also readable as globals of the module). */
export const KERNEL_CONSTANTS = {
  DISCOVERY_COUNTER_HITS: 0,
  DISCOVERY_COUNTER_MISSES: 1,
  DISCOVERY_COUNTER_EVICTIONS: 2,
  DISCOVERY_COUNTER_STALE: 3,
  DISCOVERY_COUNTER_ENTRIES: 4,
  DISCOVERY_COUNTER_GENERATION: 5,
  HEALTH_COUNTER_ALERTS: 0,
  HEALTH_COUNTER_ALERTS_SUPPRESSED: 1,
  HEALTH_COUNTER_CHECKS_RUN: 2,
  HEALTH_COUNTER_CHECK_TIMEOUTS: 3,
  RECOVERY_RESTARTS_IN_WINDOW: 0,
  RECOVERY_BACKOFF_ATTEMPT: 1,
  RECOVERY_ESCALATION_LEVEL: 2,
  RECOVERY_GAVE_UP: 3,
  RECOVERY_LAST_DELAY_MS: 4,
  RECOVERY_POLICY: 5,
  ROLLOUT_FIELD_PHASE: 0,
  ROLLOUT_FIELD_TARGET: 1,
  ROLLOUT_FIELD_STABLE: 2,
  ROLLOUT_FIELD_UPDATED: 3,
  ROLLOUT_FIELD_AVAILABLE: 4,
  ROLLOUT_FIELD_FAILURES: 5,
  ROLLOUT_FIELD_BASE: 6,
  ROLLOUT_FIELD_STRATEGY: 7,
  ROLLOUT_FIELD_WINDOW_REQUESTS: 8,
  ROLLOUT_FIELD_WINDOW_FAILURES: 9,
  LIMIT_SERVICES: 0,
  LIMIT_INSTANCES: 1,
  LIMIT_INSTANCES_PER_SERVICE: 2,
  LIMIT_EDGES: 3,
  LIMIT_TAGS: 4,
  LIMIT_NAME_BYTES: 5,
  LIMIT_EVENT_LOG: 6,
  LIMIT_OUTBOX: 7,
  LIMIT_IO_BYTES: 8,
  COUNTER_ACTIONS_DEFERRED: 0,
  COUNTER_CLOCK_BACKWARD_STEPS: 1,
  COUNTER_TIMERS_ARMED: 2,
} as const;

/**
 * The typed exports of an instance of the kernel module: refuses a module that lacks an export
 * the description has (a stale build, or another module), naming what is missing.
 */
export function kernelExports(instance: WebAssembly.Instance): KernelExports {
  const exports = instance.exports;
  const missing: string[] = KERNEL_FUNCTIONS.filter((name) => typeof exports[name] !== "function");
  if (!(exports.memory instanceof WebAssembly.Memory)) missing.unshift("memory");
  if (missing.length > 0) throw new Error(`the kernel module lacks ${missing.length} export(s) of assembly/index.ts: ${missing.slice(0, 8).join(", ")} (run npm run build)`);
  return exports as unknown as KernelExports;
}

/** Calls an exported function by name with scalar arguments (fuzzers, generic tools). */
export function callExport(exports: KernelExports, name: KernelFunctionName, ...args: (number | bigint)[]): number | bigint | void {
  return (exports[name] as (...values: (number | bigint)[]) => number | bigint | void)(...args);
}
