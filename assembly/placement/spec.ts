// A service's placement spec: class (critical, user, client, distributed), scoring (binpack or
// spread), max instances per node, spread over zones, requests per resource and label rules
// (require, forbid, prefer, avoid). Keyed by the registry's service id; a refused call changes nothing.
import { OK, E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { checkService, sayService } from "../registry/services";
import { fleet, RESOURCES, CLASS_DISTRIBUTED, SCORE_SPREAD, resourceName } from "./tables";
import { checkLabel } from "./nodes";

export const RULE_REQUIRE: i32 = 0;
export const RULE_FORBID: i32 = 1;
export const RULE_PREFER: i32 = 2;
export const RULE_AVOID: i32 = 3;

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
