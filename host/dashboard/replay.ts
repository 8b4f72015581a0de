// A seeded simulation as the dashboard replays it (`myco sim --dashboard`): the services and
// their dependencies, and every kernel event of the run in order, each with a sentence. The
// page rebuilds the state at any event by applying the events before it (web/replay.js), so a
// failure found by the simulator can be watched event by event.
import type { KernelEvent } from "../kernel/abi.ts";
import { alertOf, healthChangeOf } from "../kernel/health.ts";
import { faultOf, recoveryOf } from "../kernel/recovery.ts";
import type { Manifest } from "../manifest/types.ts";

export interface ReplayFrame {
  seq: number;
  timeMs: number;
  service: string;
  kind: string;
  /** Instance handle, or -1 for a service-level event. */
  instance: number;
  /** For state events the states, for health events the health values; "" otherwise. */
  from: string;
  to: string;
  text: string;
}

export interface ReplayData {
  title: string;
  seed: number;
  ok: boolean;
  /** The simulator's verdict (an invariant that broke, with its step). */
  message: string;
  services: { name: string; instances: number; dependencies: { to: string; kind: string }[] }[];
  frames: ReplayFrame[];
}

export function replayOf(title: string, seed: number, manifest: Manifest, events: KernelEvent[], verdict: { ok: boolean; message: string }): ReplayData {
  return {
    title, seed, ok: verdict.ok, message: verdict.message,
    services: manifest.services.map((s) => ({ name: s.name, instances: s.instances, dependencies: s.dependencies.map((d) => ({ to: d.name, kind: d.kind })) })),
    frames: events.map(frameOf),
  };
}

function frameOf(event: KernelEvent): ReplayFrame {
  const base = { seq: event.seq, timeMs: event.timeMs, service: event.serviceName, kind: event.kind, instance: event.instance, from: "", to: "" };
  const name = event.serviceName;
  if (event.kind === "service-state") return { ...base, from: event.from, to: event.to, text: `${name}: ${event.from} -> ${event.to} (${event.cause})` };
  if (event.kind === "instance-state") {
    return { ...base, from: event.from, to: event.to, text: `${name} instance ${event.instance}: ${event.from} -> ${event.to} (${event.cause}${event.cause === "instance-exited" ? `, status ${event.value}` : ""})` };
  }
  const health = healthChangeOf(event);
  if (health) return { ...base, from: health.from, to: health.to, text: `${name}${event.instance >= 0 ? ` instance ${event.instance}` : ""}: health ${health.from} -> ${health.to} (${health.cause})` };
  const alert = alertOf(event);
  if (alert) return { ...base, text: `${name}: alert ${alert.severity} ${alert.reason}` };
  const fault = faultOf(event);
  if (fault) return { ...base, text: `${name}: fault ${fault.pattern} (${fault.cause}, evidence ${fault.evidence})` };
  const recovery = recoveryOf(event);
  if (recovery) return { ...base, text: `${name}: recovery ${recovery.step}${recovery.value ? ` (${recovery.value} ms)` : ""}` };
  return { ...base, text: `${name}: ${event.kind} (${event.cause})` };
}
