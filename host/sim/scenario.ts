// A seeded scenario: the seed alone chooses the services, their dependency shapes, their
// recovery policies, health checks and watchdogs, and the schedule of faults and commands the
// simulator injects (TigerBeetle's VOPR: the seed is the whole test case).
import { splitmix32 } from "../hal/virtual.ts";
import type { DependencyKind } from "../kernel/abi.ts";
import type { CheckOptions, DependencyCondition } from "../kernel/health.ts";
import {
  BACKOFF_KINDS, JITTER_MODES, GROUP_STRATEGIES, type RecoveryPolicy, type RestartPolicy, type FaultPattern,
  type RecoveryStrategy,
} from "../kernel/recovery.ts";
import type { CheckBehaviour } from "../executors/simulated.ts";

export interface ServiceSpec {
  name: string;
  instances: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  startDelayMs: number;
  deps: { to: string; kind: DependencyKind; condition: DependencyCondition }[];
  policy: RecoveryPolicy;
  checks: CheckOptions[];
  watchdogMs: number;
}

export type FaultKind =
  | "crash" | "crash-after-start" | "hang-on-start" | "slow-start" | "checks" | "miss-pings" | "ignore-stop"
  | "heal" | "restart" | "stop" | "start";

export interface FaultStep {
  kind: FaultKind;
  service: string;
  /** Exit status for crashes. */
  status: number;
  /** Times for crash-after-start, hang-on-start; ms for crash-after-start and slow-start. */
  count: number;
  ms: number;
  checks: CheckBehaviour;
}

export interface Scenario {
  seed: number;
  services: ServiceSpec[];
  /** Per step: how long it runs (virtual ms) and what is injected before it (null: nothing). */
  steps: { runMs: number; fault: FaultStep | null }[];
}

export interface ScenarioOptions {
  steps: number;
  /** Restarts R a policy may allow (the build's WINDOW_SLOTS bounds it). */
  restartsMax: number;
}

export class Dice {
  private readonly next: () => number;
  constructor(seed: number) { this.next = splitmix32(seed); }
  /** Uniform integer in lo..hi. */
  int(lo: number, hi: number): number { return lo + (this.next() % (hi - lo + 1)); }
  chance(p: number): boolean { return this.next() / 0x1_0000_0000 < p; }
  pick<T>(items: readonly T[]): T { return items[this.next() % items.length]; }
}

function policyFor(dice: Dice, options: ScenarioOptions, others: string[]): RecoveryPolicy {
  const restart = dice.pick<RestartPolicy>(["always", "always", "on-failure", "on-failure", "never"]);
  const baseMs = dice.int(0, 400);
  const strategies: Partial<Record<FaultPattern, RecoveryStrategy[]>> = {};
  if (dice.chance(0.3)) strategies.crash = [dice.pick<RecoveryStrategy>(["config-reload", "breaker-reset", "failover"]), "restart-backoff"];
  if (dice.chance(0.2)) strategies["crash-loop"] = ["restart"];
  if (dice.chance(0.2)) strategies.check = [dice.pick<RecoveryStrategy>(["scale-up", "scale-down", "restart"]), "restart-backoff"];
  if (dice.chance(0.3)) strategies.flapping = [dice.pick<RecoveryStrategy>(["restart", "config-reload", "scale-up"])];
  return {
    restart,
    restartsMax: dice.int(1, options.restartsMax),
    windowMs: dice.int(1_000, 20_000),
    countEveryStart: dice.chance(0.2),
    backoff: {
      kind: dice.pick(BACKOFF_KINDS), baseMs, capMs: baseMs + dice.int(0, 5_000), factor: dice.pick([1, 1.5, 2, 3]),
      jitter: dice.pick(JITTER_MODES),
    },
    stableMs: dice.int(1_000, 10_000),
    strategies,
    group: dice.pick(GROUP_STRATEGIES),
    escalation: { groupRestart: dice.chance(0.4), reboot: dice.chance(0.2) },
    scaleMax: dice.chance(0.3) ? dice.int(1, 4) : 0,
    backup: dice.chance(0.15) && others.length > 0 ? dice.pick(others) : null,
    crashLoop: { faults: dice.int(2, options.restartsMax), windowMs: dice.int(1_000, 10_000) },
  };
}

function checksFor(dice: Dice): CheckOptions[] {
  const checks: CheckOptions[] = [];
  const roles = dice.pick([[], [], ["liveness"], ["readiness"], ["liveness", "readiness"], ["startup", "liveness"]] as const);
  for (const role of roles) {
    const intervalMs = dice.int(200, 3_000);
    checks.push({
      role, kind: dice.pick(["http", "tcp", "process", "file", "command", "custom"] as const), intervalMs,
      timeoutMs: dice.int(50, Math.min(intervalMs, 1_000)), startPeriodMs: dice.int(0, 1_000), rise: dice.int(1, 3),
      fall: dice.int(1, 4),
    });
  }
  return checks;
}

function faultFor(dice: Dice, services: ServiceSpec[]): FaultStep {
  const service = dice.pick(services).name;
  const kind = dice.pick<FaultKind>([
    "crash", "crash", "crash", "crash-after-start", "hang-on-start", "slow-start", "checks", "checks", "miss-pings",
    "ignore-stop", "heal", "restart", "stop", "start",
  ]);
  const checks = dice.pick<CheckBehaviour>([
    { mode: "fail" }, { mode: "hang" }, { mode: "flap", periodMs: dice.int(100, 2_000) }, { mode: "slow", latencyMs: dice.int(10, 1_500) },
    { mode: "pass" },
  ]);
  return {
    kind, service, status: dice.pick([1, 2, 0, -9, -15, 3]), count: dice.int(1, 4), ms: dice.int(10, 4_000), checks,
  };
}

/** The scenario of `seed`. */
export function generateScenario(seed: number, options: ScenarioOptions): Scenario {
  const dice = new Dice(seed);
  const count = dice.int(2, 7);
  const services: ServiceSpec[] = [];
  for (let i = 0; i < count; i++) {
    const name = `s${i}`;
    const deps: ServiceSpec["deps"] = [];
    const earlier = services.map((s) => s.name);
    for (let d = dice.int(0, Math.min(2, i)); d > 0; d--) {
      const to = dice.pick(earlier);
      if (deps.some((x) => x.to === to)) continue;
      const kind = dice.pick<DependencyKind>(["requires", "requires", "requires", "wants", "after"]);
      deps.push({ to, kind, condition: kind !== "after" && dice.chance(0.25) ? "healthy" : "started" });
    }
    services.push({
      name, instances: dice.int(1, 3), startTimeoutMs: dice.int(500, 3_000), stopTimeoutMs: dice.int(200, 2_000),
      startDelayMs: dice.int(10, 300), deps, policy: policyFor(dice, options, earlier), checks: checksFor(dice),
      watchdogMs: dice.chance(0.3) ? dice.int(300, 3_000) : 0,
    });
  }
  const steps: Scenario["steps"] = [];
  for (let s = 0; s < options.steps; s++) {
    steps.push({ runMs: dice.int(20, 1_500), fault: dice.chance(0.2) ? faultFor(dice, services) : null });
  }
  return { seed, services, steps };
}
