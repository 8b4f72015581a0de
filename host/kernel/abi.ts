// The kernel's ABI vocabulary on the host side: states, causes, kinds and record layouts, in
// the same numbers as assembly/registry/states.ts, lifecycle/causes.ts, log/events.ts and log/outbox.ts.

export const SERVICE_STATES = ["stopped", "starting", "running", "stopping", "failed", "disabled", "backoff"] as const;
export type State = (typeof SERVICE_STATES)[number];

/** The legal transitions of assembly/registry/states.ts, for checking event logs from outside. */
export const LEGAL_TRANSITIONS: Readonly<Record<State, readonly State[]>> = {
  stopped: ["starting", "disabled"],
  starting: ["running", "stopping", "failed", "stopped"],
  running: ["stopping", "failed", "stopped"],
  stopping: ["stopped", "failed"],
  failed: ["starting", "stopping", "stopped", "disabled", "backoff"],
  disabled: ["stopped"],
  backoff: ["starting", "stopped", "failed"],
};

export const CAUSES = [
  "none", "command", "pulled-in", "dependency-failed", "dependency-stopped", "instance-started",
  "instance-exited", "start-timeout", "stop-timeout", "progress", "restart", "instance-failed",
  "check-failed", "watchdog", "recovery", "escalation", "check-result", "check-timeout",
  "scale", "rollout", // 18, 19: assembly/lifecycle/causes.ts (a running resize, a rollout step)
  "progress-deadline", "readiness-failed", "error-rate", // 20..22: why a rollout was rolled back
  "resource-limit", // 23: assembly/lifecycle/causes.ts (a usage sample over its limit past the grace)
] as const;
export type Cause = (typeof CAUSES)[number];

export const EVENT_KINDS = [
  "", "service-state", "instance-state", "registered", "unregistered", "action-deferred",
  "health", "alert", "fault", "recovery",
  "notify", // 10: assembly/alerts/groups.ts (a notification sent, retried, given up, silenced)
  "", "", // 11..12 free
  "resource", // 13: assembly/resources/events.ts (queued, admitted, refused, over a limit, reservation expired, scale)
  "", // 14 free
  "audit", // 15: assembly/security/authorise.ts (an authorisation decision: from command, to 0 allowed / 1 denied, cause role, instance principal)
  "manifest-applied", "manifest-rejected", "discovery", // 16..18: assembly/log/events.ts (manifest, discovery)
  "", "instances-set", "rollout", // 20, 21: assembly/log/events.ts (a running resize, a rollout step)
  "plan", // 22: assembly/placement/plan.ts (a plan round, a move started/done/failed, promotable, promoted, a manual request, a health drain)
] as const;
export type EventKind = Exclude<(typeof EVENT_KINDS)[number], "">;

export const ACTION_KINDS = ["", "spawn", "stop", "kill", "run-check", "reboot-request", "config-reload", "failover", "config-changed", "notify", "move"] as const;
export type ActionKind = Exclude<(typeof ACTION_KINDS)[number], "">;

export const DEPENDENCY_KINDS = { requires: 1, wants: 2, after: 3 } as const;
export type DependencyKind = keyof typeof DEPENDENCY_KINDS;

export const SERVICE_TYPES = { system: 0, user: 1 } as const;
export type ServiceType = keyof typeof SERVICE_TYPES;

export const EVENT_RECORD_BYTES = 32;
export const ACTION_RECORD_BYTES = 16;

/** Indices of the kernel's `limit(which)` export. */
export const LIMITS = [
  "services", "instances", "instancesPerService", "edges", "tags", "nameBytes", "eventLog", "outbox", "ioBytes",
] as const;
export type Limits = Record<(typeof LIMITS)[number], number>;

export interface KernelEvent {
  seq: number;
  timeMs: number;
  kind: EventKind;
  service: number;
  /** The service's name when the event was read (ids of unregistered services may be reused). */
  serviceName: string;
  /** Instance handle, or -1 for service-level events. */
  instance: number;
  from: State;
  to: State;
  /** The raw `from` and `to` bytes: health, alert, fault and recovery events keep their own codes there. */
  fromCode: number;
  toCode: number;
  cause: Cause;
  /** Exit status for instance exits, instance count for registrations, action kind for deferrals. */
  value: number;
}

export interface Action {
  kind: ActionKind;
  service: number;
  serviceName: string;
  instance: number;
  /** The instance's ordinal within its service (spawn and stop). */
  ordinal: number;
  /** The raw argument: the ordinal, a check id (run-check), a backup id (failover), a fault pattern. */
  arg: number;
}

export function decodeEvent(view: DataView, offset: number, nameOf: (id: number) => string): KernelEvent {
  const service = view.getInt32(offset + 16, true);
  return {
    seq: view.getUint32(offset + 8, true),
    timeMs: Number(view.getBigInt64(offset, true)),
    kind: EVENT_KINDS[view.getUint8(offset + 12)] as EventKind,
    service,
    serviceName: nameOf(service),
    instance: view.getInt32(offset + 20, true),
    from: SERVICE_STATES[view.getUint8(offset + 13)],
    to: SERVICE_STATES[view.getUint8(offset + 14)],
    fromCode: view.getUint8(offset + 13),
    toCode: view.getUint8(offset + 14),
    cause: CAUSES[view.getUint8(offset + 15)],
    value: view.getInt32(offset + 24, true),
  };
}

export function decodeAction(view: DataView, offset: number, nameOf: (id: number) => string): Action {
  const service = view.getInt32(offset + 4, true);
  return {
    kind: ACTION_KINDS[view.getUint8(offset)] as ActionKind,
    service,
    serviceName: nameOf(service),
    instance: view.getInt32(offset + 8, true),
    ordinal: view.getInt32(offset + 12, true),
    arg: view.getInt32(offset + 12, true),
  };
}
