// The upward notifications, as one table of function references. A lower layer calls a hook
// where something happened that an upper layer follows (the lifecycle moved a service, the
// registry gave a service more instances); wiring.ts, at the top, sets every reference once at
// init, so no layer imports one above it and nothing here allocates. A reference is a table
// index (call_indirect) behind a static 32-byte function object: no closure, no allocation, one
// indirect call per notification. Until wired (as-pect specs that import single files), a hook
// is null: nothing follows, and a question is declined. Call them through the helpers below.
//
// Queries do not go through here: what a lower layer must know of an upper one is data the
// upper layer writes into the lower layer's columns (lifecycle/inputs.ts). The one exception is
// startRefused: its answer (restart intensity counting every start) changes with time alone.

// ---- registry -----------------------------------------------------------------------------
/** The service's instance count changed: `fresh`, it was just registered (balance: defaults). */
export let onInstanceCountChangedHook: ((service: i32, fresh: bool) => void) | null = null;

// ---- lifecycle ----------------------------------------------------------------------------
/** Every service transition, after it is logged (discovery, recovery, health). */
export let onServiceTransitionHook: ((service: i32, from: u8, to: u8, cause: u8) => void) | null = null;
/** Every instance transition, after it is logged (balance, health). */
export let onInstanceTransitionHook: ((slot: i32, from: u8, to: u8, cause: u8) => void) | null = null;
/** An instance of a starting or running service went down; true when recovery took charge. */
export let onInstanceDownHook: ((service: i32, slot: i32, fault: u8, cause: u8, evidence: i32) => bool) | null = null;
/** A failed service holds no instance any more (recovery: into its restart delay). */
export let onServiceAtRestHook: ((service: i32) => void) | null = null;
/** An operator cleared a failure (stop of a failed service: systemctl reset-failed). */
export let onFailureClearedHook: ((service: i32) => void) | null = null;
/** An instance ignored a graceful stop and was killed. */
export let onStopTimeoutHook: ((service: i32, slot: i32, timeoutMs: i32) => void) | null = null;
/** A start is refused (recovery gave up, or its start limit is reached now). */
export let startRefusedHook: ((service: i32) => bool) | null = null;

/** An instance is being retired (lifecycle/resize.ts): the balancer stops picking it and calls instanceDrained when it is idle. */
export let onInstanceLeavingHook: ((slot: i32) => void) | null = null;

// ---- membership ----------------------------------------------------------------------------
/** The kernel was reset (membership.ts): the manifest loader, which joins services through
 *  membership and so sits above it, clears its own state. */
export let onResetHook: (() => void) | null = null;

// ---- health -------------------------------------------------------------------------------
/** A service's health changed (0 unknown, 1 healthy or degraded, 2 unhealthy: discovery's codes). */
export let onServiceHealthHook: ((service: i32, health: u8) => void) | null = null;

// ---- calls (a null hook: nothing follows; a question is declined) --------------------------
// The lower layers call these, never the references themselves.
@inline export function onInstanceCountChanged(service: i32, fresh: bool): void {
  const hook = onInstanceCountChangedHook;
  if (hook) hook(service, fresh);
}
@inline export function onServiceTransition(service: i32, from: u8, to: u8, cause: u8): void {
  const hook = onServiceTransitionHook;
  if (hook) hook(service, from, to, cause);
}
@inline export function onInstanceTransition(slot: i32, from: u8, to: u8, cause: u8): void {
  const hook = onInstanceTransitionHook;
  if (hook) hook(slot, from, to, cause);
}
@inline export function onInstanceDown(service: i32, slot: i32, fault: u8, cause: u8, evidence: i32): bool {
  const hook = onInstanceDownHook;
  return hook ? hook(service, slot, fault, cause, evidence) : false;
}
@inline export function onServiceAtRest(service: i32): void {
  const hook = onServiceAtRestHook;
  if (hook) hook(service);
}
@inline export function onFailureCleared(service: i32): void {
  const hook = onFailureClearedHook;
  if (hook) hook(service);
}
@inline export function onStopTimeout(service: i32, slot: i32, timeoutMs: i32): void {
  const hook = onStopTimeoutHook;
  if (hook) hook(service, slot, timeoutMs);
}
export function startRefused(service: i32): bool {
  const hook = startRefusedHook;
  return hook ? hook(service) : false;
}
@inline export function onInstanceLeaving(slot: i32): void {
  const hook = onInstanceLeavingHook;
  if (hook) hook(slot);
}
@inline export function onReset(): void {
  const hook = onResetHook;
  if (hook) hook();
}
@inline export function onServiceHealth(service: i32, health: u8): void {
  const hook = onServiceHealthHook;
  if (hook) hook(service, health);
}
