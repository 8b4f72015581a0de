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

// @ts-ignore: defined by `asc --use FEATURE_DISCOVERY=0|1`
export const WITH_DISCOVERY: bool = isDefined(FEATURE_DISCOVERY) ? FEATURE_DISCOVERY != 0 : true;

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
