// Shared setup for the health and recovery suites: a simulated device in virtual time with the
// typed health and recovery wrappers, and small readers over its event log.
import { Simulation, HealthMonitor, Recovery, recoveryOf, faultOf, alertOf, type KernelEvent } from "../../host/index.ts";
import type { SimulationOptions } from "../../host/executors/simulation.ts";

export function device(options: SimulationOptions = {}) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5, ...options });
  return { sim, k: sim.kernel, health: new HealthMonitor(sim.kernel), recovery: new Recovery(sim.kernel) };
}

export const since = (sim: Simulation, from: number): KernelEvent[] => sim.events.slice(from);

/** "step" names of EVENT_RECOVERY records of `service`. */
export function steps(events: KernelEvent[], service?: string): string[] {
  return events.map(recoveryOf).filter((r) => r && (!service || r.serviceName === service)).map((r) => r!.step);
}

export function faults(events: KernelEvent[], service?: string): string[] {
  return events.map(faultOf).filter((f) => f && (!service || f.serviceName === service)).map((f) => f!.pattern);
}

export function alerts(events: KernelEvent[]) {
  return events.map(alertOf).filter((a) => a !== null).map((a) => a!);
}

/** Services in the order their first instance was spawned ("instance stopped/failed -> starting"). */
export function spawnOrder(events: KernelEvent[]): string[] {
  const order: string[] = [];
  for (const e of events) {
    if (e.kind === "instance-state" && e.to === "starting" && !order.includes(e.serviceName)) order.push(e.serviceName);
  }
  return order;
}

/** Services in the order they reached `state`. */
export function reached(events: KernelEvent[], state: string): string[] {
  return events.filter((e) => e.kind === "service-state" && e.to === state).map((e) => e.serviceName);
}
