// Access control as the ABI offers it (FEATURE_SECURITY; not in the mcu and tiny profiles, whose
// exports answer an error: a host that asks them to authorise is refused, never waved through).
// Names come through the I/O buffer. See roles.ts for the commands and capability sets.
import { OK, E_NO_ACCESS_CONTROL } from "../errors";
import { fail } from "../util/detail";
import { ioPtr } from "../io";
import { WITH_SECURITY } from "../features";
import { CMD_ROLES } from "./roles";
import { principalAdd, principalLookup, principalSet, checkPrincipal, checkGrant, principalRoleOf, principalCapabilitiesOf } from "./principals";
import { authoriseNow } from "./authorise";
import { rootRuleHostIdentity } from "./root-rule";

function absent(): i32 { return fail(E_NO_ACCESS_CONTROL).code(); }

/**
 * Registers principal `name` (I/O buffer) with a role: 0 viewer, 1 operator, 2 admin, 3 custom
 * (then `capabilities` is its set). The host's bootstrap; later changes go through principalGrant.
 */
export function principalRegister(nameLength: i32, role: i32, capabilities: i32): i32 {
  if (WITH_SECURITY) return principalAdd(ioPtr(), nameLength, role, capabilities);
  return absent();
}

/** The id of principal `name` (I/O buffer). */
export function principalFind(nameLength: i32): i32 {
  if (WITH_SECURITY) return principalLookup(ioPtr(), nameLength);
  return absent();
}

function grantNow(actor: i32, principal: i32, role: i32, capabilities: i32): i32 {
  const unknown = checkPrincipal(principal);
  if (unknown < 0) return unknown;
  const invalid = checkGrant(role, capabilities);
  if (invalid < 0) return invalid;
  const allowed = authoriseNow(actor, CMD_ROLES, -1);
  if (allowed < 0) return allowed;
  principalSet(principal, role, capabilities);
  return OK;
}

/** `actor` gives `principal` a role (3: custom, with `capabilities`); needs the roles capability. Audited. */
export function principalGrant(actor: i32, principal: i32, role: i32, capabilities: i32): i32 {
  if (WITH_SECURITY) return grantNow(actor, principal, role, capabilities);
  return absent();
}

function readNow(principal: i32, which: i32): i32 {
  const unknown = checkPrincipal(principal);
  if (unknown < 0) return unknown;
  return which == 0 ? principalRoleOf(principal) : principalCapabilitiesOf(principal);
}

/** A principal's role (which 0) or capability set (which 1). */
export function principalRead(principal: i32, which: i32): i32 {
  if (WITH_SECURITY) return readNow(principal, which);
  return absent();
}

/**
 * OK when `principal` may run control `command` (0 status, 1 logs, 2 metrics, 3 start, 4 stop,
 * 5 restart, 6 reload, 7 rollout, 8 silence, 9 secrets, 10 upgrade, 11 fleet-move, 12 roles,
 * 13 audit) on `service` (-1: none); otherwise E_ACCESS_DENIED naming all three. A change to a
 * system service needs admin. Every change, allowed or denied, and every denial is audited
 * (an audit event in the event log).
 */
export function authorise(principal: i32, command: i32, service: i32): i32 {
  if (WITH_SECURITY) return authoriseNow(principal, command, service);
  return absent();
}

/**
 * The host reports once whether it runs as root (1) or not (0): the root rule (root-rule.ts) then
 * refuses a user service that would run as root without `allow-root`, at load and at start.
 */
export function securityHostIdentity(root: i32): i32 {
  if (WITH_SECURITY) { rootRuleHostIdentity(root != 0); return OK; }
  return absent();
}
