// The access decision: may this principal run this command on this service? The answer is OK or
// E_ACCESS_DENIED with a detail naming the principal, the command and the service. Deny by
// default (an unknown principal, an unknown command, a set without the capability). A command
// that changes something is audited whether allowed or denied; a read only when denied (the
// dashboard's polls would otherwise drown the trail). The audit record is an event (kind
// EVENT_AUDIT) the host appends to its hash-chained trail:
//
//   service   the service, or -1 (for CMD_ROLES: the principal whose role changes)
//   instance  the calling principal, or -1 when the caller is unidentified
//   from      the command (CMD_*)     to     0 allowed, 1 denied
//   cause     the caller's role (255: none)   value  OK or the refusal's error code
import { OK, E_ACCESS_DENIED, E_INVALID_COMMAND } from "../errors";
import { fail, Detail } from "../util/detail";
import { eventLog } from "../log/events";
import { isService, serviceType, sayService, SERVICE_TYPE_SYSTEM } from "../registry/services";
import { CAP_SYSTEM, COMMANDS, commandCapability, commandChanges } from "./roles";
import { isPrincipal, principalRoleOf, principalCapabilitiesOf, sayPrincipal } from "./principals";

/** A security audit record in the event log (log/events.ts numbers the kinds; 15 is this layer's). */
export const EVENT_AUDIT: u8 = 15;

function sayCommand(detail: Detail, command: i32): Detail {
  switch (command) {
    case 0: return detail.text("status");
    case 1: return detail.text("logs");
    case 2: return detail.text("metrics");
    case 3: return detail.text("start");
    case 4: return detail.text("stop");
    case 5: return detail.text("restart");
    case 6: return detail.text("reload");
    case 7: return detail.text("rollout");
    case 8: return detail.text("silence");
    case 9: return detail.text("secrets");
    case 10: return detail.text("upgrade");
    case 11: return detail.text("fleet-move");
    case 12: return detail.text("roles");
    case 13: return detail.text("audit");
    default: return detail.text("command ").int(command);
  }
}

/** The capabilities the command needs on this service: a change to a system service needs CAP_SYSTEM too. */
function needed(command: i32, service: i32): i32 {
  const need = commandCapability(command);
  const system = isService(service) && unchecked(serviceType[service]) == SERVICE_TYPE_SYSTEM;
  return system && commandChanges(command) ? need | CAP_SYSTEM : need;
}

function refuse(principal: i32, command: i32, service: i32, need: i32): i32 {
  const detail = sayPrincipal(fail(E_ACCESS_DENIED), principal).text(" may not ");
  sayCommand(detail, command);
  if (isService(service)) sayService(detail.text(" service "), service);
  if (isPrincipal(principal) && (principalCapabilitiesOf(principal) & need & ~CAP_SYSTEM) == (need & ~CAP_SYSTEM)) {
    detail.text(": it is a system service (admin only)");
  } else {
    detail.text(": it needs capabilities ").int(need);
  }
  return detail.code();
}

function audit(principal: i32, command: i32, service: i32, code: i32): void {
  const role = isPrincipal(principal) ? <u8>principalRoleOf(principal) : <u8>255;
  eventLog(EVENT_AUDIT, service, isPrincipal(principal) ? principal : -1, <u8>command, code == OK ? 0 : 1, role, code);
}

/** OK when `principal` may run `command` on `service` (-1: none); E_ACCESS_DENIED otherwise. Audited. */
export function authoriseNow(principal: i32, command: i32, service: i32): i32 {
  if (command < 0 || command >= COMMANDS) {
    const code = fail(E_INVALID_COMMAND).text("control command ").int(command).text(" is outside 0..").int(COMMANDS - 1).code();
    audit(principal, command & 0xff, service, code);
    return code;
  }
  const need = needed(command, service);
  const held = isPrincipal(principal) ? principalCapabilitiesOf(principal) : 0;
  const code = (held & need) == need ? OK : refuse(principal, command, service, need);
  if (code != OK || commandChanges(command)) audit(principal, command, service, code);
  return code;
}
