// The deterministic fault simulator: one seed, one run.
//   setup     the seed's scenario is registered (services, dependencies, policies, checks)
//   faults    each step injects what the schedule says (crashes, hangs, slow starts, failing
//             and flapping checks, missed watchdog pings, stubborn stops, operator commands),
//             runs a stretch of virtual time, and checks every invariant (invariants.ts)
//   liveness  faults stop (and those in flight drain), failed services are reset and started:
//             everything must converge to running and healthy within a bound
// A failure carries "reproduce with seed=... step=...": the same seed replays the same run.
import { Simulation } from "../executors/simulation.ts";
import { MycoError } from "../kernel/errors.ts";
import type { Profile } from "../kernel/module.ts";
import { HealthMonitor } from "../kernel/health.ts";
import { Recovery } from "../kernel/recovery.ts";
import { generateScenario, type Scenario, type FaultStep } from "./scenario.ts";
import { InvariantChecker } from "./invariants.ts";

export interface SimOptions {
  /** Fault-phase steps (default 200). */
  steps?: number;
  profile?: Profile;
  /** Virtual time the liveness phase may take (default 180 s). */
  livenessMs?: number;
  /** Largest restart limit a scenario may draw (the profile's WINDOW_SLOTS; 8 for release/debug). */
  restartsMax?: number;
  /** Called with the simulation before anything runs (a recorder attaches here: targets/conformance/sim-seed.ts). */
  onSimulation?: (sim: Simulation) => void;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  /** The step that failed (steps count from 0; the liveness phase is step `steps`). */
  step: number;
  message: string;
  events: number;
  restarts: number;
  faults: number;
  virtualMs: number;
}

function setup(sim: Simulation, scenario: Scenario, slow: Map<string, number>): void {
  const k = sim.kernel;
  const health = new HealthMonitor(k);
  const recovery = new Recovery(k);
  for (const s of scenario.services) {
    k.register(s.name, { instances: s.instances, startTimeoutMs: s.startTimeoutMs, stopTimeoutMs: s.stopTimeoutMs });
    slow.set(s.name, s.startDelayMs);
  }
  for (const s of scenario.services) {
    for (const d of s.deps) {
      k.depend(s.name, d.to, d.kind);
      if (d.condition === "healthy") health.condition(s.name, d.to, "healthy");
    }
    recovery.configure(s.name, s.policy);
    for (const check of s.checks) health.addCheck(s.name, check);
    if (s.watchdogMs > 0) {
      health.watchdog(s.name, s.watchdogMs);
      sim.executor.pingWatchdog(s.name, Math.max(1, Math.floor(s.watchdogMs / 3)));
    }
  }
}

/**
 * Injects one scheduled fault. `startDelays` holds each service's current start delay (a slow
 * start raises it); healing restores `healedStartDelayMs`. Shared with `myco sim`.
 */
export function injectFault(sim: Simulation, fault: FaultStep, startDelays: Map<string, number>, healedStartDelayMs: number): void {
  const { executor, kernel } = sim;
  const count = kernel.instances(fault.service).length;
  const ordinal = count === 0 ? 0 : fault.count % count;
  switch (fault.kind) {
    case "crash": return executor.crash(fault.service, ordinal, fault.status);
    case "crash-after-start": return executor.crashAfterStart(fault.service, fault.ms, fault.status || 1, fault.count);
    case "hang-on-start": return executor.hangOnStart(fault.service, fault.count);
    case "slow-start": startDelays.set(fault.service, fault.ms); return;
    case "checks": return executor.checks(fault.service, fault.checks);
    case "miss-pings": return executor.missPings(fault.service, fault.count % 2 === 1);
    case "ignore-stop": return executor.ignoreStop(fault.service, fault.count % 2 === 1);
    case "heal": startDelays.set(fault.service, healedStartDelayMs); return executor.checks(fault.service, { mode: "pass" });
    case "restart": return kernel.restart(fault.service);
    case "stop": return kernel.stop(fault.service);
    case "start": return kernel.start(fault.service);
  }
}

/** Runs the seed's scenario; never throws for a failed run (the result says why and where). */
export function runSeed(seed: number, options: SimOptions = {}): SimResult {
  const steps = options.steps ?? 200;
  const scenario = generateScenario(seed, { steps, restartsMax: options.restartsMax ?? 8 });
  const slow = new Map<string, number>();
  const sim = new Simulation({
    seed, profile: options.profile ?? "debug", worldSeed: seed ^ 0x5bd1e995, stopDelayMs: 15, jitterMs: 10,
    startDelayMs: (service) => slow.get(service) ?? 50,
  });
  options.onSimulation?.(sim);
  const checker = new InvariantChecker(sim.kernel, scenario.services);
  const result: SimResult = { seed, ok: true, step: 0, message: "", events: 0, restarts: 0, faults: 0, virtualMs: 0 };
  let step = 0;
  try {
    setup(sim, scenario, slow);
    sim.onEvent((e) => checker.onEvent(e));
    sim.kernel.startAll();
    for (; step < steps; step++) {
      const { runMs, fault } = scenario.steps[step];
      if (fault) {
        const spec = scenario.services.find((s) => s.name === fault.service)!;
        try {
          injectFault(sim, fault, slow, spec.startDelayMs);
        } catch (error) {
          if (!(error instanceof MycoError)) throw error; // refused commands are part of the game; traps are not
        }
      }
      sim.runFor(runMs);
      checker.checkState();
    }
    liveness(sim, scenario, slow, checker, options.livenessMs ?? 180_000);
  } catch (error) {
    result.ok = false;
    result.step = step;
    result.message = `${error instanceof Error ? error.message : String(error)}\nreproduce with seed=${seed} step=${step}`;
  }
  result.events = sim.events.length;
  result.restarts = checker.restarts;
  result.faults = checker.faults;
  result.virtualMs = sim.timeMs;
  return result;
}

/** Longer than any start timeout, stop timeout and armed crash of a scenario. */
const DRAIN_MS = 10_000;

function liveness(sim: Simulation, scenario: Scenario, slow: Map<string, number>, checker: InvariantChecker, boundMs: number): void {
  const { kernel } = sim;
  const recovery = new Recovery(kernel);
  const health = new HealthMonitor(kernel);
  sim.executor.heal();
  for (const s of scenario.services) slow.set(s.name, s.startDelayMs);
  // Faults already in flight (an instance spawned into a hang, a stop being ignored) play out
  // first; then the operator resets what gave up and starts everything.
  sim.runFor(DRAIN_MS);
  checker.checkState();
  for (const s of scenario.services) {
    recovery.reset(s.name);
    checker.forget(s.name);
  }
  kernel.startAll();
  const settled = () => scenario.services.every((s) => kernel.state(s.name) === "running" && health.of(s.name) === "healthy");
  const converged = sim.runUntil(settled, boundMs);
  checker.checkState();
  if (!converged) {
    const states = scenario.services.map((s) => `${s.name}=${kernel.state(s.name)}/${health.of(s.name)}`).join(" ");
    throw new Error(`liveness: not running and healthy ${boundMs} ms after the faults stopped: ${states}`);
  }
}
