// The demo's fault phase: storage crashes once (detected, restarted after a backoff delay, its
// dependents following it down and back), then falls into a crash loop (the delays grow, the
// restart limit is hit, the escalation chain fails it, stops its dependents, raises a critical
// alert and asks the host for a reboot), and an operator brings it back. Virtual time.
import {
  Recovery, HealthMonitor, faultOf, recoveryOf, alertOf, type Simulation, type KernelEvent, type Action,
} from "../host/index.ts";

export interface FaultPhaseOptions {
  say: (text?: string) => void;
  /** Prints the status table. */
  table: () => void;
  /** Runs `ms` of virtual time. */
  settle: (ms: number) => void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

export function faultPhase(sim: Simulation, { say, table, settle }: FaultPhaseOptions): void {
  const { kernel, executor } = sim;
  const recovery = new Recovery(kernel);
  const health = new HealthMonitor(kernel);
  recovery.configure("storage", {
    restart: "on-failure", restartsMax: 4, windowMs: 30_000, crashLoop: { faults: 3, windowMs: 10_000 },
    backoff: { kind: "exponential", baseMs: 250, capMs: 4_000, factor: 2 }, escalation: { reboot: true },
  });

  const line = (e: KernelEvent, text: string) => say(`  t=${seconds(e.timeMs)}  ${e.serviceName.padEnd(17)} ${text}`);
  const following = new Set<string>();
  const stopListening = sim.onEvent((e) => {
    const fault = faultOf(e);
    const step = recoveryOf(e);
    const alert = alertOf(e);
    if (fault) line(e, `FAULT ${fault.pattern} (${fault.pattern === "crash" ? `exit ${fault.evidence}` : `evidence ${fault.evidence}`})`);
    else if (step?.step === "restart-backoff") line(e, `restart #${step.detail} in ${step.value} ms (backoff)`);
    else if (step) line(e, `escalation: ${step.step}`);
    else if (alert && alert.severity !== "info") line(e, `ALERT ${alert.severity}: ${alert.reason}`);
    else if (e.kind === "service-state" && e.serviceName === "storage" && (e.to === "running" || e.to === "failed")) line(e, e.to);
    else if (e.kind === "service-state" && e.serviceName !== "storage" && e.to === "stopped" && e.cause === "dependency-failed") following.add(e.serviceName);
    else if (e.kind === "service-state" && e.serviceName !== "storage" && e.to === "running" && following.delete(e.serviceName)) {
      line(e, "running again (followed storage back)");
    }
  });
  const reboots: Action[] = [];
  const handle = executor.handle.bind(executor);
  executor.handle = (action: Action) => { if (action.kind === "reboot-request") reboots.push(action); handle(action); };

  say("\nFault: storage crashes (restart on-failure, backoff 250 ms x2 up to 4 s, at most 4 restarts in 30 s):");
  executor.crash("storage", 0, 1);
  settle(3_000);
  table();

  say("\nCrash loop: every run of storage now dies 150 ms after it starts:");
  executor.crashAfterStart("storage", 150, 1, Infinity);
  executor.crash("storage", 0, 1);
  settle(15_000);
  for (const action of reboots) say(`  host: reboot requested by ${action.serviceName} (the host decides; the demo declines)`);
  say(`  storage: ${kernel.state("storage")}, ${health.of("storage")}; restarts counted ${recovery.info("storage").restartsInWindow}; ` +
    `dependents stopped: ${[...following].join(", ") || "none"}`);
  table();

  say("\nOperator: storage is fixed, reset (systemctl reset-failed) and everything started again:");
  executor.heal();
  recovery.reset("storage");
  kernel.startAll();
  settle(3_000);
  table();
  stopListening();
  executor.handle = handle;
}
