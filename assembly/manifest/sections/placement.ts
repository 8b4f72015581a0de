// The PLACEMENT section (`placement:` in services.yaml, tag 0x84): a service's fleet placement
// spec. Byte-packed, little-endian:
//
//   0 class u8 | 1 scoring u8 | 2 max-per-node u16 | 4 spread over zones u8 | 5 assignment u8 |
//   6 migration u8 | 7 batch u16 | 9 migration ms u32 | 13 deployment u8 | 14 shards u16 |
//   16 rebalance u16 | 18 backups u8 | 19 traits u8 |
//   20 n u8, n requests (resource u8, amount u32) |
//   m u8, m rules (condition u8, action u8, priority u8, value u8, text length u8, text) |
//   d u8, d direct nodes (length u8, name), the primary first
//
// A rule's condition (placement/tables.ts COND_*): tier (value), label (text `key=value`; a zone
// rule is its zone label), load above or below (value, percent), trust at least (value). Checked
// while the blob is validated (structure, ranges, room in the label and named-node tables), then
// applied in place through the ABI's own setters (placement/spec.ts), which cannot fail by then.
// Placed instances stay where they are; their backups are settled again. No section: the
// defaults (client, binpack, automatic). Not in a profile without placement (skipped there).
import { OK, E_MANIFEST_RECORD, E_CAPACITY_INSTANCES } from "../../errors";
import { fail, Detail } from "../../util/detail";
import { SERVICE_SUBJECT, sayService } from "../../registry/services";
import { validateName } from "../../registry/names";
import { WITH_PLACEMENT } from "../../features";
import { PLACEMENT_LABELS_MAX, PLACEMENT_NODES_MAX } from "../../limits";
import {
  fleet, RESOURCES, CLASS_DISTRIBUTED, SCORE_SPREAD, ASSIGN_DIRECT, MIGRATE_LIVE, DEPLOY_AUTO, DEPLOY_NATIVE, COND_TIER, COND_LABEL,
  COND_TRUST_AT_LEAST, TIER_HYPHAE, RULES_PER_SERVICE, DIRECT_PER_SERVICE, BACKUPS_PER_SLOT,
} from "../../placement/tables";
import { labelIntern, validateLabel } from "../../placement/nodes";
import {
  specClear, specSet, specRequest, specAssignSet, specDirectAdd, specDeploySet, specRuleWhen, RULE_FORBID, RULE_AVOID, MIGRATION_MS_MAX,
} from "../../placement/spec";
import { refreshBackups } from "../../placement/backups";

const FIXED: i32 = 20;

/** Labels the blob's sections need that the kernel does not have yet (counted per section: conservative). */
let newLabels: i32 = 0;
let newNames: i32 = 0;

export function placementValidateBegin(): void { newLabels = 0; newNames = 0; }

function bad(): Detail { return sayService(fail(E_MANIFEST_RECORD), SERVICE_SUBJECT).text(": placement "); }

@inline function u8At(ptr: usize, at: i32): i32 { return <i32>load<u8>(ptr + <usize>at); }
@inline function u16At(ptr: usize, at: i32): i32 { return <i32>load<u16>(ptr + <usize>at); }

/** Whether `size` bytes hold the payload exactly (its counted lists included). */
export function placementFits(ptr: usize, size: i32): bool {
  if (size < FIXED + 3) return false;
  let at = FIXED;
  const requests = <i32>load<u8>(ptr + <usize>at);
  at += 1 + 5 * requests;
  if (at >= size) return false;
  const rules = u8At(ptr, at++);
  for (let k = 0; k < rules; k++) {
    if (at + 5 > size) return false;
    at += 5 + <i32>load<u8>(ptr + <usize>(at + 4));
  }
  if (at >= size) return false;
  const direct = u8At(ptr, at++);
  for (let k = 0; k < direct; k++) {
    if (at >= size) return false;
    at += 1 + <i32>load<u8>(ptr + <usize>at);
  }
  return at == size;
}


/** Whether an earlier label rule of the payload gives the same label the other hard action. */
function clashes(ptr: usize, rule: i32, text: usize, length: i32, action: i32): bool {
  let at = FIXED + 1 + 5 * u8At(ptr, FIXED) + 1;
  for (let k = 0; k < rule; k++) {
    const other = u8At(ptr, at + 1), size = u8At(ptr, at + 4);
    if (u8At(ptr, at) == <i32>COND_LABEL && other <= RULE_FORBID && other != action && size == length
      && memory.compare(ptr + <usize>(at + 5), text, <usize>length) == 0) return true;
    at += 5 + size;
  }
  return false;
}

/** The (fitting) payload of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function placementSectionValid(ptr: usize): i32 {
  if (u8At(ptr, 0) > <i32>CLASS_DISTRIBUTED) return bad().text("class ").int(u8At(ptr, 0)).text(" is not critical, user, client or distributed").code();
  if (u8At(ptr, 1) > <i32>SCORE_SPREAD) return bad().text("scoring ").int(u8At(ptr, 1)).text(" is not binpack or spread").code();
  if (u8At(ptr, 4) > 1) return bad().text("spread ").int(u8At(ptr, 4)).text(" is not none or zone").code();
  if (u8At(ptr, 5) > <i32>ASSIGN_DIRECT) return bad().text("assignment ").int(u8At(ptr, 5)).text(" is not automatic, rules or direct").code();
  if (u8At(ptr, 6) > <i32>MIGRATE_LIVE) return bad().text("migration ").int(u8At(ptr, 6)).text(" is not blue-green, rolling or live").code();
  if (u16At(ptr, 7) < 1) return bad().text("migration batch 0 is below 1").code();
  if (load<u32>(ptr + 9) > <u32>MIGRATION_MS_MAX) return bad().text("migration duration ").int(load<u32>(ptr + 9)).text(" ms is above ").int(MIGRATION_MS_MAX).code();
  const model = u8At(ptr, 13);
  if (model > <i32>DEPLOY_AUTO) return bad().text("deployment ").int(model).text(" is not standard, native, replicated or auto").code();
  if (model == <i32>DEPLOY_NATIVE && (u16At(ptr, 14) < 1 || u16At(ptr, 16) < 1)) return bad().text("native deployment needs shards and a rebalance limit of at least 1").code();
  if (u8At(ptr, 18) > BACKUPS_PER_SLOT) return bad().text("backups ").int(u8At(ptr, 18)).text(" is above ").int(BACKUPS_PER_SLOT).code();
  if (u8At(ptr, 19) > 7) return bad().text("traits ").int(u8At(ptr, 19)).text(" are outside 0..7").code();
  let at = FIXED;
  const requests = u8At(ptr, at++);
  for (let k = 0; k < requests; k++, at += 5) {
    if (u8At(ptr, at) >= RESOURCES) return bad().text("request resource ").int(u8At(ptr, at)).text(" is outside 0..").int(RESOURCES - 1).code();
  }
  const rules = u8At(ptr, at++);
  let listed = 0;
  for (let k = 0; k < rules; k++) {
    const condition = u8At(ptr, at), action = u8At(ptr, at + 1), priority = u8At(ptr, at + 2), value = u8At(ptr, at + 3), length = u8At(ptr, at + 4);
    const text = ptr + <usize>(at + 5);
    at += 5 + length;
    if (condition > <i32>COND_TRUST_AT_LEAST || action > RULE_AVOID || priority > 100) {
      return bad().text("rule ").int(k).text(": condition ").int(condition).text(", action ").int(action).text(", priority ").int(priority).text(" out of range").code();
    }
    if (condition == <i32>COND_LABEL) {
      const invalid = validateLabel(text, length);
      if (invalid < 0) return sayService(fail(E_MANIFEST_RECORD), SERVICE_SUBJECT).text(": placement rule ").int(k).text(": label '").raw(text, length).text("' is not key=value (1..32 bytes)").code();
      if (WITH_PLACEMENT && fleet.labelNames.find(text, length) < 0 && fleet.labelCount + ++newLabels > PLACEMENT_LABELS_MAX) {
        return sayService(fail(E_CAPACITY_INSTANCES), SERVICE_SUBJECT).text(": placement rule label '").raw(text, length).text("': the label table is full (").int(PLACEMENT_LABELS_MAX).text(")").code();
      }
      if (action > RULE_FORBID) listed++;
      else if (clashes(ptr, k, text, length, action)) return bad().text("rule ").int(k).text(": label '").raw(text, length).text("' cannot be both required and forbidden").code();
    } else {
      if (condition == <i32>COND_TIER ? value > <i32>TIER_HYPHAE : value > 100) return bad().text("rule ").int(k).text(": value ").int(value).text(" is out of range").code();
      listed++;
    }
  }
  if (listed > RULES_PER_SERVICE) return bad().text("has ").int(listed).text(" tier, load, trust or weighted label rules; at most ").int(RULES_PER_SERVICE).code();
  const direct = u8At(ptr, at++);
  if (direct > DIRECT_PER_SERVICE) return bad().text("names ").int(direct).text(" direct nodes; at most ").int(DIRECT_PER_SERVICE).code();
  if (direct > 0 && u8At(ptr, 5) != <i32>ASSIGN_DIRECT) return bad().text("names direct nodes but its assignment is not direct").code();
  if (direct == 0 && u8At(ptr, 5) == <i32>ASSIGN_DIRECT) return bad().text("assignment is direct but names no node").code();
  for (let k = 0; k < direct; k++) {
    const length = u8At(ptr, at);
    const name = ptr + <usize>(at + 1);
    at += 1 + length;
    const invalid = validateName(name, length, "direct node");
    if (invalid < 0) return sayService(fail(E_MANIFEST_RECORD), SERVICE_SUBJECT).text(": placement direct node '").raw(name, length).text("' is not a name").code();
    if (WITH_PLACEMENT && fleet.directNames.find(name, length) < 0 && fleet.directNameCount + ++newNames > PLACEMENT_NODES_MAX) {
      return sayService(fail(E_CAPACITY_INSTANCES), SERVICE_SUBJECT).text(": placement direct node '").raw(name, length).text("': the table of named nodes is full (").int(PLACEMENT_NODES_MAX).text(")").code();
    }
  }
  return OK;
}

/** Sets the service's placement spec as the payload says (0: no section, the defaults), through the ABI's setters. */
export function placementApply(service: i32, ptr: usize): void {
  if (!WITH_PLACEMENT) return;
  specClear(service);
  if (ptr != 0) {
    let ok = specSet(service, u8At(ptr, 0), u8At(ptr, 1), u16At(ptr, 2), u8At(ptr, 4)) == OK;
    ok = ok && specAssignSet(service, u8At(ptr, 5), u8At(ptr, 6), u16At(ptr, 7), <i64>load<u32>(ptr + 9)) == OK;
    ok = ok && specDeploySet(service, u8At(ptr, 13), u16At(ptr, 14), u16At(ptr, 16), u8At(ptr, 18), u8At(ptr, 19)) == OK;
    let at = FIXED;
    const requests = u8At(ptr, at++);
    for (let k = 0; k < requests; k++, at += 5) ok = ok && specRequest(service, u8At(ptr, at), <i64>load<u32>(ptr + <usize>(at + 1))) == OK;
    const rules = u8At(ptr, at++);
    for (let k = 0; k < rules; k++) {
      const condition = u8At(ptr, at), length = u8At(ptr, at + 4);
      const value = condition == <i32>COND_LABEL ? labelIntern(ptr + <usize>(at + 5), length) : u8At(ptr, at + 3);
      ok = ok && value >= 0 && specRuleWhen(service, condition, u8At(ptr, at + 1), u8At(ptr, at + 2), value) == OK;
      at += 5 + length;
    }
    const direct = u8At(ptr, at++);
    for (let k = 0; k < direct; k++) {
      const length = u8At(ptr, at);
      ok = ok && specDirectAdd(service, ptr + <usize>(at + 1), length) >= 0;
      at += 1 + length;
    }
    assert(ok, "a validated placement section failed to apply");
  }
  refreshBackups(service);
}
