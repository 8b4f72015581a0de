// A service's placement spec: class (critical, user, client, distributed), scoring (binpack or
// spread), max instances per node, spread over zones, requests per resource and label rules
// (require, forbid, prefer, avoid). Keyed by the registry's service id; a refused call changes nothing.
import { OK, E_INVALID_ARGUMENT, E_CAPACITY_INSTANCES } from "../errors";
import { fail, Detail } from "../util/detail";
import { checkService, sayService } from "../registry/services";
import { validateName } from "../registry/names";
import { PLACEMENT_NODES_MAX } from "../limits";
import {
  fleet, RESOURCES, CLASS_CRITICAL, CLASS_USER, CLASS_DISTRIBUTED, SCORE_SPREAD, resourceName, ASSIGN_DIRECT, MIGRATE_LIVE, DEPLOY_STANDARD,
  DEPLOY_NATIVE, DEPLOY_REPLICATED, DEPLOY_AUTO, TRAIT_OWN_CONSENSUS, TRAIT_NEEDS_HA, TRAIT_NEEDS_OS, COND_TIER, COND_LABEL, COND_LOAD_ABOVE,
  COND_LOAD_BELOW, COND_TRUST_AT_LEAST, RULES_PER_SERVICE, DIRECT_PER_SERVICE, BACKUPS_PER_SLOT, TIER_HYPHAE,
} from "./tables";
import { checkLabel } from "./nodes";

export const RULE_REQUIRE: i32 = 0;
export const RULE_FORBID: i32 = 1;
export const RULE_PREFER: i32 = 2;
export const RULE_AVOID: i32 = 3;
/** The longest migration duration (a day). */
export const MIGRATION_MS_MAX: i32 = 86_400_000;

/** Sets the spec's scalars (maxPerNode 0: no limit; spreadZone 0 or 1). */
export function specSet(service: i32, placementClass: i32, scoring: i32, maxPerNode: i32, spreadZone: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (placementClass < 0 || placementClass > <i32>CLASS_DISTRIBUTED) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": class ").int(placementClass).text(" is not critical (0), user (1), client (2) or distributed (3)").code();
  }
  if (scoring < 0 || scoring > <i32>SCORE_SPREAD) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": scoring ").int(scoring).text(" is not binpack (0) or spread (1)").code();
  }
  if (maxPerNode < 0 || maxPerNode > 0xFFFF) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": max-per-node ").int(maxPerNode).text(" is outside 0..65535").code();
  }
  if (spreadZone != 0 && spreadZone != 1) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": spread-zone ").int(spreadZone).text(" is not 0 or 1").code();
  }
  fleet.specClass[service] = <u8>placementClass;
  fleet.specScore[service] = <u8>scoring;
  fleet.specMaxPerNode[service] = <u16>maxPerNode;
  fleet.specSpreadZone[service] = spreadZone != 0;
  return OK;
}

/** What one instance of the service needs of a resource. */
export function specRequest(service: i32, resource: i32, amount: i64): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (resource < 0 || resource >= RESOURCES) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": resource ").int(resource).text(" is outside 0..").int(RESOURCES - 1).code();
  }
  if (amount < 0 || amount > <i64>u32.MAX_VALUE) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": ").text(resourceName(resource)).text(" request ").int(amount).text(" is outside 0..").int(u32.MAX_VALUE).code();
  }
  fleet.request[service * RESOURCES + resource] = <u32>amount;
  let n = 0;
  for (let r = 0; r < RESOURCES; r++) if (fleet.request[service * RESOURCES + r] != 0) fleet.requested[service * RESOURCES + n++] = <u8>r;
  fleet.requestedCount[service] = <u8>n;
  return OK;
}

/** Adds a label rule with an action (require 0, forbid 1, prefer 2, avoid 3). */
export function specRule(service: i32, label: i32, action: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  const bad = checkLabel(label);
  if (bad < 0) return bad;
  const bit = <u64>1 << <u64>label;
  const clash = action == RULE_REQUIRE ? fleet.specForbid[service] & bit : action == RULE_FORBID ? fleet.specRequire[service] & bit : 0;
  if (clash != 0) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": label id ").int(label).text(" cannot be both required and forbidden").code();
  }
  switch (action) {
    case RULE_REQUIRE: fleet.specRequire[service] |= bit; break;
    case RULE_FORBID: fleet.specForbid[service] |= bit; break;
    case RULE_PREFER: fleet.specPrefer[service] |= bit; break;
    case RULE_AVOID: fleet.specAvoid[service] |= bit; break;
    default:
      return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": rule action ").int(action).text(" is not require (0), forbid (1), prefer (2) or avoid (3)").code();
  }
  return OK;
}

function bad(service: i32): Detail { return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service); }

/** Clears the service's spec back to the defaults (its placed instances stay where they are). */
export function specClear(service: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  fleet.specDefaults(service);
  return OK;
}

/**
 * Assignment strategy (automatic 0, rules 1, direct 2) and migration policy (blue-green 0,
 * rolling 1, live 2) with its batch (rolling) and duration in ms (blue-green's health gate,
 * rolling's interval, live's downtime tolerance).
 */
export function specAssignSet(service: i32, assign: i32, migration: i32, batch: i32, ms: i64): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (assign < 0 || assign > <i32>ASSIGN_DIRECT) return bad(service).text(": assignment ").int(assign).text(" is not automatic (0), rules (1) or direct (2)").code();
  if (migration < 0 || migration > <i32>MIGRATE_LIVE) return bad(service).text(": migration ").int(migration).text(" is not blue-green (0), rolling (1) or live (2)").code();
  if (batch < 1 || batch > 0xFFFF) return bad(service).text(": migration batch ").int(batch).text(" is outside 1..65535").code();
  if (ms < 0 || ms > <i64>MIGRATION_MS_MAX) return bad(service).text(": migration duration ").int(ms).text(" ms is outside 0..").int(MIGRATION_MS_MAX).code();
  fleet.specAssign[service] = <u8>assign;
  fleet.specMigration[service] = <u8>migration;
  fleet.specBatch[service] = <u16>batch;
  fleet.specMigrationMs[service] = <u32>ms;
  return OK;
}

/** Appends a node name (not necessarily registered yet) to a direct assignment: the first is the primary, the next its backups in order. */
export function specDirectAdd(service: i32, ptr: usize, len: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  const invalid = validateName(ptr, len, "node name");
  if (invalid < 0) return invalid;
  let k = 0;
  while (k < DIRECT_PER_SERVICE && fleet.specDirect[service * DIRECT_PER_SERVICE + k] >= 0) k++;
  if (k == DIRECT_PER_SERVICE) return bad(service).text(": direct node '").raw(ptr, len).text("': at most ").int(DIRECT_PER_SERVICE).text(" nodes (a primary and its backups)").code();
  let id = fleet.directNames.find(ptr, len);
  for (let j = 0; j < k && id >= 0; j++) {
    if (fleet.specDirect[service * DIRECT_PER_SERVICE + j] == id) return bad(service).text(": direct node '").raw(ptr, len).text("' is named twice").code();
  }
  if (id < 0) {
    if (fleet.directNameCount == PLACEMENT_NODES_MAX) return fail(E_CAPACITY_INSTANCES).text("placement: direct node '").raw(ptr, len).text("': the table of named nodes is full (").int(PLACEMENT_NODES_MAX).text(")").code();
    id = fleet.directNameCount++;
    fleet.directNames.insertUnique(id, ptr, len);
  }
  fleet.specDirect[service * DIRECT_PER_SERVICE + k] = id;
  return k;
}

/** Deployment model (standard 0, native 1, replicated 2, auto 3), native's shards and shards moved per step, replicated's backups, auto's traits. */
export function specDeploySet(service: i32, model: i32, shards: i32, rebalance: i32, backups: i32, traits: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (model < 0 || model > <i32>DEPLOY_AUTO) return bad(service).text(": deployment ").int(model).text(" is not standard (0), native (1), replicated (2) or auto (3)").code();
  if (shards < 0 || shards > 0xFFFF) return bad(service).text(": shards ").int(shards).text(" is outside 0..65535").code();
  if (rebalance < 0 || rebalance > 0xFFFF) return bad(service).text(": rebalance ").int(rebalance).text(" is outside 0..65535").code();
  if (model == <i32>DEPLOY_NATIVE && (shards < 1 || rebalance < 1)) return bad(service).text(": native deployment needs shards and a rebalance limit of at least 1 (got ").int(shards).text(", ").int(rebalance).text(")").code();
  if (backups < 0 || backups > BACKUPS_PER_SLOT) return bad(service).text(": backups ").int(backups).text(" is outside 0..").int(BACKUPS_PER_SLOT).code();
  if (traits < 0 || traits > 7) return bad(service).text(": traits ").int(traits).text(" is outside 0..7 (1 own consensus, 2 needs high availability, 4 needs a whole OS)").code();
  fleet.specDeploy[service] = <u8>model;
  fleet.specShards[service] = <u16>shards;
  fleet.specRebalance[service] = <u16>rebalance;
  fleet.specBackups[service] = <u8>backups;
  fleet.specTraits[service] = <u8>traits;
  return OK;
}

/** Rationale of `deployment: auto`: 0 declared (not auto), 1 own consensus, 2 needs high availability, 3 needs a whole OS, 4 neither. */
export function deployRationale(service: i32): i32 {
  if (fleet.specDeploy[service] != DEPLOY_AUTO) return 0;
  const traits = fleet.specTraits[service];
  if ((traits & TRAIT_OWN_CONSENSUS) != 0) return 1;
  if ((traits & TRAIT_NEEDS_HA) != 0) return 2;
  if ((traits & TRAIT_NEEDS_OS) != 0) return 3;
  return 4;
}

/** The model in force: the declared one, or what `auto` recommends from the traits. */
export function deployModel(service: i32): u8 {
  switch (deployRationale(service)) {
    case 0: return fleet.specDeploy[service];
    case 1: return DEPLOY_NATIVE;
    case 2: case 3: return DEPLOY_REPLICATED;
    default: return DEPLOY_STANDARD;
  }
}

/** Backup nodes per instance: replicated's count (at least 1), and at least 1 for critical and user. */
export function backupsOf(service: i32): i32 {
  let n = deployModel(service) == DEPLOY_REPLICATED ? max(1, <i32>fleet.specBackups[service]) : 0;
  const placementClass = fleet.specClass[service];
  if (placementClass == CLASS_CRITICAL || placementClass == CLASS_USER) n = max(n, 1);
  return min(n, BACKUPS_PER_SLOT);
}

/** A condition rule: tier is (0, value a tier), label (1, value a label id), load above (2) or below (3) a percent, trust at least (4); with an action and a priority 0..100 (the weight of a soft rule). */
export function specRuleWhen(service: i32, condition: i32, action: i32, priority: i32, value: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (action < RULE_REQUIRE || action > RULE_AVOID) return bad(service).text(": rule action ").int(action).text(" is not require (0), forbid (1), prefer (2) or avoid (3)").code();
  if (priority < 0 || priority > 100) return bad(service).text(": rule priority ").int(priority).text(" is outside 0..100").code();
  switch (condition) {
    case COND_TIER:
      if (value < 0 || value > <i32>TIER_HYPHAE) return bad(service).text(": tier ").int(value).text(" is not sclerotia (0), rhizomorph (1) or hyphae (2)").code();
      break;
    case COND_LABEL: {
      const badLabel = checkLabel(value);
      if (badLabel < 0) return badLabel;
      if (action <= RULE_FORBID) return specRule(service, value, action);
      break;
    }
    case COND_LOAD_ABOVE: case COND_LOAD_BELOW: case COND_TRUST_AT_LEAST:
      if (value < 0 || value > 100) return bad(service).text(": rule value ").int(value).text(" is outside 0..100 percent").code();
      break;
    default:
      return bad(service).text(": rule condition ").int(condition).text(" is not tier (0), label (1), load above (2), load below (3) or trust at least (4)").code();
  }
  const k = <i32>fleet.ruleCount[service];
  if (k == RULES_PER_SERVICE) return bad(service).text(": more than ").int(RULES_PER_SERVICE).text(" tier, load, trust or weighted label rules").code();
  const i = service * RULES_PER_SERVICE + k;
  fleet.ruleCondition[i] = <u8>condition;
  fleet.ruleAction[i] = <u8>action;
  fleet.rulePriority[i] = <u8>priority;
  fleet.ruleValue[i] = value;
  fleet.ruleCount[service] = <u8>(k + 1);
  return OK;
}
