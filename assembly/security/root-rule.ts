// The root rule: a `type: user` service never runs as root unless its manifest says
// `allow-root: true`. The host reports once whose identity it runs with (securityHostIdentity:
// root or not); the manifest's IDENTITY section (tag 0x88, one byte per service the host spawns)
// says whether the service declares a user, whether that user is root, and whether it may run as
// root. A spawned service that declares no user runs as the host does, so under a root host it is
// root too: refused like `user: root` (the rule; no silent fallback to another user).
// Checked when a manifest is loaded (validate.ts) and at every operator start (index.ts).
// Only with FEATURE_SECURITY (features.ts); elsewhere the section is skipped and nothing is refused.
import { OK, E_RUNS_AS_ROOT } from "../errors";
import { ROOT_RULE_SERVICES } from "../limits";
import { WITH_SECURITY } from "../features";
import { fail, Detail } from "../util/detail";
import { SERVICE_TYPE_USER, SERVICE_SUBJECT, serviceType, sayService } from "../registry/services";

/** The service is spawned by the host as a process of its own (the section is present). */
export const IDENTITY_SPAWNED: u8 = 1;
/** It declares a user (`user:`); without this bit it runs as the host's own user. */
export const IDENTITY_USER_DECLARED: u8 = 2;
/** The declared user is root (uid 0). */
export const IDENTITY_USER_ROOT: u8 = 4;
/** `allow-root: true`. */
export const IDENTITY_ALLOW_ROOT: u8 = 8;
const IDENTITY_ALL: u8 = 15;

class RootRuleTables {
  readonly identity: StaticArray<u8> = new StaticArray<u8>(ROOT_RULE_SERVICES);
  hostRoot: bool = false;
}

/** Created only with the feature (a null reference otherwise, never used). */
const table: RootRuleTables = WITH_SECURITY ? new RootRuleTables() : changetype<RootRuleTables>(0);

/** The host reports once whether it runs as root (kept across kernel resets: a fact of the host). */
export function rootRuleHostIdentity(root: bool): void { table.hostRoot = root; }

export function rootRuleHostIsRoot(): bool { return table.hostRoot; }

/** Whether an IDENTITY payload of `size` bytes at `ptr` holds one byte of known flags, SPAWNED set. */
export function identityFits(ptr: usize, size: i32): bool {
  if (size != 1) return false;
  const flags = load<u8>(ptr);
  return (flags & ~IDENTITY_ALL) == 0 && (flags & IDENTITY_SPAWNED) != 0;
}

/** Whether a service of `type` with these identity flags would run as root without leave to. */
@inline function refused(type: u8, flags: u8): bool {
  if (type != SERVICE_TYPE_USER || (flags & IDENTITY_SPAWNED) == 0 || (flags & IDENTITY_ALLOW_ROOT) != 0) return false;
  return (flags & IDENTITY_USER_DECLARED) != 0 ? (flags & IDENTITY_USER_ROOT) != 0 : table.hostRoot;
}

/** The refusal's text after "service 'x'" (its literals compiled only with the feature). */
function sayRule(out: Detail, flags: u8): i32 {
  if (WITH_SECURITY) {
    if ((flags & IDENTITY_USER_DECLARED) != 0) out.text(" would run as root (user: root)");
    else out.text(" declares no user and the host runs as root, so it would run as root");
    out.text("; a user service runs as root only with `allow-root: true` (give it an unprivileged `user:`, or make it a system service)");
  }
  return out.code();
}

/** Load time: the blob's service named by SERVICE_SUBJECT, of `type`, with the IDENTITY byte at `ptr`. */
export function identitySectionValid(type: u8, ptr: usize): i32 {
  const flags = load<u8>(ptr);
  if (!refused(type, flags)) return OK;
  return sayRule(sayService(fail(E_RUNS_AS_ROOT).text("service "), SERVICE_SUBJECT), flags);
}

/** Applies a loaded service's IDENTITY section (0: none, the host does not spawn it). */
export function identityApply(service: i32, ptr: usize): void {
  table.identity[service] = ptr == 0 ? 0 : load<u8>(ptr);
}

/** An operator's start: OK, or the refusal naming the service and the rule. */
export function rootRuleCheckStart(service: i32): i32 {
  const flags = table.identity[service];
  if (!refused(serviceType[service], flags)) return OK;
  return sayRule(sayService(fail(E_RUNS_AS_ROOT).text("service "), service), flags);
}

/** A start the lifecycle would make on its own (start all, pulled in): refused quietly, as the load refused it already. */
export function rootRuleRefusesStart(service: i32): bool {
  return refused(serviceType[service], table.identity[service]);
}
