// The HEALTH section: a service's manifest check (layout in manifest/format.ts). Checked with
// the health layer's own rules (health/checks.ts) while the blob is validated, so a bad value
// rejects the whole blob; applied live (health/live.ts): a changed section takes effect on a
// running service, no restart. The check the section made carries CHECK_FROM_MANIFEST, so a
// reload replaces it and leaves checks added through the ABI alone.
//
//   blob check    kernel kind       retries -> fall (failures in a row that fail it); rise 1
//   0 none        (no check)
//   1 exec        CHECK_COMMAND
//   2 http        CHECK_HTTP
//   3 tcp         CHECK_TCP
import { CHECKS_PER_SERVICE_MAX } from "../../limits";
import { OK, E_INVALID_CHECK_KIND } from "../../errors";
import { SERVICE_SUBJECT } from "../../registry/services";
import { checkRange } from "../../registry/reject";
import {
  checkKindRoleValid, checkTimingValid, checkThresholdsValid, checkTake, checkOfManifest, checkStartupTaken, checksFull,
  checkKind, checkRole, checkIndex, serviceCheckCount, serviceStartupCheck, CHECK_COMMAND, CHECK_HTTP, CHECK_TCP,
  CHECK_FROM_MANIFEST, ROLE_STARTUP,
} from "../../health/checks";
import { checkLiveStart, checkLiveRetime, checkLiveRemove } from "../../health/live";
import {
  HEALTH_CHECK, HEALTH_ROLE, HEALTH_INTERVAL_MS, HEALTH_TIMEOUT_MS, HEALTH_RETRIES, HEALTH_START_PERIOD_MS,
} from "../format";

const CHECK_NONE: u8 = 0;
const CHECKS_KNOWN: u8 = 4;

/** The kernel's check kind for a blob check code (1..3). */
@inline function kindOf(check: u8): i32 {
  return check == 1 ? <i32>CHECK_COMMAND : check == 2 ? <i32>CHECK_HTTP : <i32>CHECK_TCP;
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function healthValid(ptr: usize): i32 {
  const S = SERVICE_SUBJECT;
  const check = load<u8>(ptr, HEALTH_CHECK);
  let bad = checkRange(E_INVALID_CHECK_KIND, S, "check kind", check, 0, CHECKS_KNOWN - 1);
  if (bad == OK) bad = checkKindRoleValid(S, check == CHECK_NONE ? 0 : kindOf(check), load<u8>(ptr, HEALTH_ROLE));
  if (bad == OK) {
    bad = checkTimingValid(S, load<u32>(ptr + HEALTH_INTERVAL_MS), load<u32>(ptr + HEALTH_TIMEOUT_MS),
      load<u32>(ptr + HEALTH_START_PERIOD_MS));
  }
  return bad == OK ? checkThresholdsValid(S, 1, load<u16>(ptr + HEALTH_RETRIES)) : bad;
}

/**
 * Checks the pool must give the section of service `id` (-1: a service the load adds): 0 or 1,
 * or the error when the service has no room for it (its other checks fill its row, or it has a
 * startup check of its own and the section asks for one).
 */
export function healthRoom(id: i32, ptr: usize): i32 {
  if (load<u8>(ptr, HEALTH_CHECK) == CHECK_NONE) return 0;
  if (id < 0) return 1;
  const current = checkOfManifest(id);
  const startup = <i32>serviceStartupCheck[id];
  if (load<u8>(ptr, HEALTH_ROLE) == ROLE_STARTUP && startup >= 0 && (current < 0 || startup != <i32>checkIndex[current])) {
    return checkStartupTaken(id);
  }
  if (current >= 0) return 0;
  return <i32>serviceCheckCount[id] == CHECKS_PER_SERVICE_MAX ? checksFull(id, CHECKS_PER_SERVICE_MAX + 1) : 1;
}

/** Makes the service's manifest check what the payload at `ptr` says (0: no section, no check). */
export function healthApply(service: i32, ptr: usize): void {
  let check = checkOfManifest(service);
  const code = ptr == 0 ? CHECK_NONE : load<u8>(ptr, HEALTH_CHECK);
  if (code == CHECK_NONE) {
    if (check >= 0) checkLiveRemove(check);
    return;
  }
  const kind = kindOf(code) | <i32>CHECK_FROM_MANIFEST;
  const role = <i32>load<u8>(ptr, HEALTH_ROLE);
  if (check >= 0 && (<i32>checkKind[check] != kind || <i32>checkRole[check] != role)) {
    checkLiveRemove(check); // another kind or role: a new check, judged afresh
    check = -1;
  }
  const fresh = check < 0;
  if (fresh) check = checkTake(service, kind, role);
  checkLiveRetime(check, <i32>load<u32>(ptr + HEALTH_INTERVAL_MS), <i32>load<u32>(ptr + HEALTH_TIMEOUT_MS),
    <i32>load<u32>(ptr + HEALTH_START_PERIOD_MS), <i32>load<u16>(ptr + HEALTH_RETRIES));
  if (fresh) checkLiveStart(check);
}
