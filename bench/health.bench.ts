// Scheduling cost of health monitoring: `tick` with nothing due must not grow with the number
// of idle services (the timer heap holds the next due moment; tick peeks at it). Each service
// runs one instance with a liveness check (10 min interval) and a watchdog (10 min), so every
// service has armed timers; the clock then stands still and tick finds nothing due.
// Also: one full check round (due, run-check action out, result in) at the same sizes.
import { Kernel, VirtualHal, HealthMonitor } from "../host/index.ts";
import { measure, type BenchRow } from "./harness.ts";

/** `services` running services, each with a liveness check every `intervalMs` (svc-0: `firstIntervalMs`). */
function idleDevice(services: number, intervalMs = 600_000, firstIntervalMs = intervalMs, watchdogMs = 600_000): { kernel: Kernel; hal: VirtualHal } {
  const hal = new VirtualHal(1);
  const kernel = new Kernel({ hal, profile: "bench" });
  const health = new HealthMonitor(kernel);
  for (let i = 0; i < services; i++) {
    kernel.register(`svc-${i}`);
    const interval = i === 0 ? firstIntervalMs : intervalMs;
    health.addCheck(`svc-${i}`, { intervalMs: interval, timeoutMs: Math.min(1_000, interval) });
    health.watchdog(`svc-${i}`, watchdogMs);
  }
  kernel.startAll();
  for (const action of kernel.drainActions()) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  for (const action of kernel.drainActions()) if (action.kind === "run-check") health.report(action.arg, action.instance, true, 1);
  hal.advance(1_000);
  kernel.tick();
  kernel.drainActions();
  return { kernel, hal };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const tickNs: Record<number, number> = {};
  for (const services of [16, 4096]) {
    const { kernel } = idleDevice(services);
    const x = kernel.exports;
    if (x.counter(2) < services * 2) throw new Error(`expected ${services * 2} armed timers, found ${x.counter(2)}`);
    tickNs[services] = measure(() => x.tick(), { batch: 2_000 });
    if (x.actionsPending() !== 0) throw new Error("tick found work: the benchmark is not idle");
  }
  rows.push({ name: "health: tick, nothing due, 16 services", unit: "ns", value: tickNs[16], peer: null, peerValue: null, ratio: null });
  rows.push({
    name: "health: tick, nothing due, 4096 services (peer: 16 services; goal ratio >= 0.5)", unit: "ns", value: tickNs[4096],
    peer: "same kernel, 16 services", peerValue: tickNs[16], ratio: tickNs[16] / tickNs[4096],
  });
  for (const services of [16, 4096]) {
    // svc-0 checks every millisecond, the others once a day: each tick runs one round, answered.
    const { kernel, hal } = idleDevice(services, 86_400_000, 1, 0);
    const health = new HealthMonitor(kernel);
    const x = kernel.exports;
    const [check] = [...health.checks.keys()];
    const handle = kernel.instances("svc-0")[0];
    let at = hal.timeMs;
    let rounds = 0;
    const ns = measure(() => {
      rounds++;
      hal.advanceTo(++at);
      x.tick();
      x.actionsDrain();
      x.checkReport(check, handle, 0, 0);
    }, { batch: 200, minMs: 10, samples: 5 });
    // every timed call must have run (and answered) one round: the work measured is the work meant
    if (health.of("svc-0") !== "healthy" || health.counters().checksRun < rounds) {
      throw new Error(`round trip benchmark went wrong: ${health.of("svc-0")}, ${health.counters().checksRun} checks run for ${rounds} rounds`);
    }
    rows.push({ name: `health: one check round trip, ${services} services`, unit: "ns", value: ns, peer: null, peerValue: null, ratio: null });
  }
  return rows;
}
