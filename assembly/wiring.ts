// Who follows whom: the hook table (hooks.ts) wired once, at init, in the order the layers hear
// of each change. A layer a profile leaves out (features.ts) is not wired, so its code is not
// reachable from here.
import * as hooks from "./hooks";
import { WITH_DISCOVERY } from "./features";
import { balanceMembershipChanged, balanceInstanceMoved, balanceInstanceLeaving } from "./balance/members";
import { WITH_ROLLOUT } from "./features";
import { rolloutOnInstanceMoved, rolloutMembershipChanged } from "./rollout/control";
import { compatServiceReset } from "./rollout/compat";
import { WITH_COMPAT } from "./features";
import {
  recoveryOnServiceTransition, recoveryOnInstanceDown, recoveryAtRest, recoveryForget, recoveryRefusesStart,
} from "./recovery/supervisor";
import { faultOnStopTimeout } from "./recovery/faults";
import { healthOnServiceTransition, healthOnInstanceTransition } from "./health/follow";
import { subscriptionsNotify, DISCOVERY_CHANGE_STATE } from "./discovery/subscriptions";
import { discoveryHealthChanged } from "./discovery/health";
import { manifestReset } from "./manifest/apply";
import { WITH_RESOURCES } from "./features";
import { STATE_STARTING } from "./registry/states";
import { admissionOnTransition, admissionRelease } from "./resources/admission";
import { usageForget } from "./resources/usage";
import { WITH_SECURITY } from "./features";
import { rootRuleRefusesStart } from "./security/root-rule";

/** A service transition: discovery tells its subscribers, recovery, then health, follow. */
function serviceMoved(service: i32, from: u8, to: u8, cause: u8): void {
  if (WITH_DISCOVERY) subscriptionsNotify(service, DISCOVERY_CHANGE_STATE, from, to, cause);
  recoveryOnServiceTransition(service, from, to, cause);
  healthOnServiceTransition(service, cause);
  if (WITH_RESOURCES) admissionOnTransition(service, to);
}

/** An instance transition: the balancer's pool, then health, then a rollout in progress. */
function instanceMoved(slot: i32, from: u8, to: u8, cause: u8): void {
  balanceInstanceMoved(slot, from, to, cause);
  healthOnInstanceTransition(slot, from, to, cause);
  if (WITH_ROLLOUT) rolloutOnInstanceMoved(slot, from, to, cause);
  if (WITH_RESOURCES && to == STATE_STARTING) usageForget(slot);
}

/** The instance count changed: the balancer's membership, then the revisions of new ordinals. */
function instanceCountChanged(service: i32, fresh: bool): void {
  balanceMembershipChanged(service, fresh);
  if (WITH_ROLLOUT) rolloutMembershipChanged(service, fresh);
  if (WITH_COMPAT && fresh) compatServiceReset(service);
}

/** A failed service holds no instance any more: resources gives back what it held, then recovery decides. */
function serviceAtRest(service: i32): void {
  if (WITH_RESOURCES) admissionRelease(service);
  recoveryAtRest(service);
}

/** A start the lifecycle makes on its own: refused when recovery gave up or the root rule refuses it. */
function startRefusedByRules(service: i32): bool {
  return recoveryRefusesStart(service) || rootRuleRefusesStart(service);
}

function wire(): void {
  hooks.onInstanceCountChangedHook = instanceCountChanged;
  hooks.onServiceTransitionHook = serviceMoved;
  hooks.onInstanceTransitionHook = instanceMoved;
  hooks.onInstanceDownHook = recoveryOnInstanceDown;
  hooks.onServiceAtRestHook = serviceAtRest;
  hooks.onFailureClearedHook = recoveryForget;
  hooks.onStopTimeoutHook = faultOnStopTimeout;
  hooks.startRefusedHook = recoveryRefusesStart;
  if (WITH_SECURITY) hooks.startRefusedHook = startRefusedByRules;
  if (WITH_DISCOVERY) hooks.onServiceHealthHook = discoveryHealthChanged;
  hooks.onResetHook = manifestReset;
  if (WITH_ROLLOUT) hooks.onInstanceLeavingHook = balanceInstanceLeaving;
}

wire();
