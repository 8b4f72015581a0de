// Compile-time features: which optional layers a module contains. Each is an asc `use` constant,
// given per target in asconfig.json or on the command line (`--use FEATURE_DISCOVERY=0`);
// absent means 1, and every profile in asconfig.json keeps every layer today. For a layer left
// out (0): its exports are removed before optimization (host/tools/asc-features.js), it is not
// wired (wiring.ts), reset or routed to, so its code is unreachable and goes; its tables take no
// memory (their capacities in limits.ts are 0). See the README's profile section.
//   FEATURE_DISCOVERY  discovery/  queries, subscriptions, the discovery view of health
//   FEATURE_PLACEMENT  placement/  fleet nodes, placement of instances, assignments (absent
//                                  means 1 except in the mcu and tiny profiles (MYCO_PROFILE 1
//                                  and 3), whose exports answer an error)
//   FEATURE_SECURITY   security/   principals, authorisation, audit events (absent means 1 except
//                                  in the mcu (1) and tiny (3) profiles, whose exports answer an error)
//   FEATURE_RESOURCES  resources/  one node's admission, reservations, usage limits, scaling (absent
//                                  means 1 except in mcu and tiny (MYCO_PROFILE 1 and 3): exports answer an error)
// Only the layers that nothing below the top calls into can be left out; the others are wired
// into lower layers' decisions (health feeds recovery, recovery resets breakers, ...).
// The tiny profile (MYCO_PROFILE 3) also leaves out parts of the kept layers, each behind a
// constant below (WITH_SENTENCES, WITH_ALL_STRATEGIES, WITH_BREAKER, WITH_CONFIG_KEYS, WITH_WATCHDOG) and keeps
// every export: the ones it leaves out answer E_NOT_IN_PROFILE (host/tools/asc-features.js).

// @ts-ignore: defined by `asc --use FEATURE_DISCOVERY=0|1` and `--use MYCO_PROFILE=n`: the tiny
// profile (3) has no discovery, its exports kept and answering E_NOT_IN_PROFILE (asc-features.js TINY_ABSENT)
export const WITH_DISCOVERY: bool = isDefined(FEATURE_DISCOVERY) ? FEATURE_DISCOVERY != 0 : (isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true);

// @ts-ignore: defined by `asc --use FEATURE_PLACEMENT=0|1` and `--use MYCO_PROFILE=n` (1 is mcu)
export const WITH_PLACEMENT: bool = isDefined(FEATURE_PLACEMENT) ? FEATURE_PLACEMENT != 0 : (isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 1 && MYCO_PROFILE != 3 : true);

// @ts-ignore: defined by `asc --use FEATURE_SECURITY=0|1` and `--use MYCO_PROFILE=n` (1 mcu, 3 tiny)
export const WITH_SECURITY: bool = isDefined(FEATURE_SECURITY) ? FEATURE_SECURITY != 0 : (isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 1 && MYCO_PROFILE != 3 : true);

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: snapshot/restore and the kernel upgrade
// (assembly/snapshot/) are in every profile but mcu (1) and the tiny profile (3): the layer takes
// no RAM, but its code and texts take bytes those single pages do not have (its exports answer
// E_SNAPSHOT_UNAVAILABLE there).
export const WITH_SNAPSHOT: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 1 && MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use FEATURE_ROLLOUT=0|1` and `--use MYCO_PROFILE=n`
//   FEATURE_ROLLOUT    rollout/    changing a running service's instance count (drain, then stop),
//                                  revisions, update strategies, automatic rollback (absent means 1
//                                  except in the mcu (1) and tiny (3) profiles, whose exports answer an error)
export const WITH_ROLLOUT: bool = isDefined(FEATURE_ROLLOUT) ? FEATURE_ROLLOUT != 0
  : (isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 1 && MYCO_PROFILE != 3 : true);

// @ts-ignore: defined by `asc --use FEATURE_RESOURCES=0|1` and `--use MYCO_PROFILE=n` (1 mcu, 3 tiny)
export const WITH_RESOURCES: bool = isDefined(FEATURE_RESOURCES) ? FEATURE_RESOURCES != 0 : (isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 1 && MYCO_PROFILE != 3 : true);

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: the tiny profile (3) keeps error codes and
// compiles every detail sentence out (the build's literal transform drops the literals and the
// Detail writers are empty), so errorDetail() is empty there and a host renders the code's
// message from its generated table (host/kernel/error-codes.ts, myco_errors.h).
export const WITH_SENTENCES: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: the tiny profile (3) has three balancing
// strategies, round robin, least connections and health-based (balance/tables.ts
// strategyInProfile); the others (weighted, random, IP and consistent hash, fastest response:
// its f64 cost tracking) are compiled out and a record naming one is E_INVALID_STRATEGY.
export const WITH_ALL_STRATEGIES: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: config keys (assembly/config/, the manifest's
// config and address records) are not in the tiny profile (3): their exports answer
// E_NOT_IN_PROFILE (host/tools/asc-features.js TINY_ABSENT) and a blob's config record is an
// unknown tag there. Neither are the typed configuration records (assembly/records/: a tiny
// device is configured by its manifest blob) nor the manifest dump, whose exports only answer
// E_NOT_IN_PROFILE there (nothing else calls them, so no constant is needed).
export const WITH_CONFIG_KEYS: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: the profiles with room for the texts of the
// codes only a smaller profile answers (E_NOT_IN_PROFILE): not mcu (1, its page is full) or tiny (3).
export const WITH_PROFILE_TEXTS: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 1 && MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: the health layer's check history ring and its
// availability window (health/history.ts, availability.ts) are not kept in the tiny profile (3):
// nothing records them, and healthHistory, healthAvailability and healthSetWindow answer
// E_NOT_IN_PROFILE (host/tools/asc-features.js TINY_ABSENT). Checks, verdicts and flapping stay.
export const WITH_HEALTH_HISTORY: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: recovery in the tiny profile (3) is restart with
// backoff and intensity (issue 16): the recovery strategies restart, restart-with-backoff and
// restart-instance, the one_for_one group (what requires the service follows it), and giving up
// when the intensity is exceeded. The other strategies (scale up/down, failover, breaker reset,
// config reload), the rest_for_one and one_for_all groups and the escalation steps (group restart,
// reboot request) are compiled out: a record or manifest naming one is E_UNKNOWN_STRATEGY.
export const WITH_FULL_RECOVERY: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: the tiny profile (3) loads one manifest blob
// into an empty kernel and never reloads it (a tiny device is configured once, at boot): no diff
// against a running kernel (manifest/diff.ts), no removal, resize or restart of changed services
// and no pending work after a load (apply.ts). A load when a manifest is loaded or a service is
// registered answers E_NOT_IN_PROFILE, and so does manifestRollback (asc-features.js TINY_ABSENT).
export const WITH_MANIFEST_RELOAD: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: circuit breakers and outlier ejection
// (balance/breaker.ts, outlier.ts) are not in the tiny profile (3): every breaker stays closed,
// nothing is ejected, a record enabling either is E_INVALID_BREAKER / E_INVALID_OUTLIER, and the
// breaker exports answer E_NOT_IN_PROFILE (host/tools/asc-features.js TINY_ABSENT).
export const WITH_BREAKER: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use MYCO_PROFILE=n`: watchdog channels (health/watchdog.ts: a running
// instance pings within its service's period) are not in the tiny profile (3), whose health is its
// checks: watchdogSet and watchdogPing answer E_NOT_IN_PROFILE (host/tools/asc-features.js
// TINY_ABSENT) and no watchdog deadline is ever armed. The kill a failed liveness check schedules
// on the same timer stays.
export const WITH_WATCHDOG: bool = isDefined(MYCO_PROFILE) ? MYCO_PROFILE != 3 : true;

// @ts-ignore: defined by `asc --use FEATURE_COMPAT=0|1` and `--use MYCO_PROFILE=n`
//   FEATURE_COMPAT     rollout/compat.ts, rollout/versions.ts: service versions and the version
//                      constraints on dependencies (manifest tag 0x89), checked before a reload
//                      or an undo changes a version (absent means WITH_ROLLOUT: not in mcu (1) or tiny (3))
export const WITH_COMPAT: bool = isDefined(FEATURE_COMPAT) ? FEATURE_COMPAT != 0 && WITH_ROLLOUT : WITH_ROLLOUT;

// @ts-ignore: defined by `asc --use PLANT_BUG=1|2` only for the fleet simulator's planted-bug
// test (test/sim/fleet-sim.test.ts builds a module with each): 1 plants an off-by-one in the
// capacity check (its loop forgets the last resource a service requests), 2 a forgotten backup
// (a critical instance gets one backup fewer than its class wants). 0 in every build of
// asconfig.json, where the planted branches are constant-false and not compiled.
export const PLANTED_BUG: i32 = isDefined(PLANT_BUG) ? PLANT_BUG : 0;
