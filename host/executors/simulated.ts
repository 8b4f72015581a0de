// A simulated executor: answers the kernel's actions the way a firmware's task layer would,
// on the virtual clock. Instances take a configurable time to start and stop, and can be told
// to crash, to hang while starting, or to ignore a graceful stop, so tests and the demo can
// drive every lifecycle path deterministically. It also answers health checks (passing,
// failing, flapping, slow or hanging, per service) and pings watchdogs unless told to miss.
// The other actions act on the simulated world as the process host's do on real processes:
//   config-changed, config-reload  every started instance of the service reads the kernel's
//                                  configuration again (an instance reads it once at spawn)
//   failover                       the service's traffic goes to the backup until an instance
//                                  of the service runs again (`routeOf`)
//   reboot-request                 counted (the simulated device is the host's to reboot)
import type { Kernel, ServiceRef } from "../kernel/kernel.ts";
import type { Action } from "../kernel/abi.ts";
import { KernelManifest } from "../kernel/manifest.ts";
import { splitmix32, type VirtualHal } from "../hal/virtual.ts";

export interface SimulatedExecutorOptions {
  /** Time from spawn to "started" (ms), per service if a function. Default 50. */
  startDelayMs?: number | ((service: string, ordinal: number) => number);
  /** Time from a graceful stop to the exit (ms). Default 20. */
  stopDelayMs?: number | ((service: string, ordinal: number) => number);
  /** Up to this many ms added to every delay, drawn from the world's own seeded PRNG. Default 0. */
  jitterMs?: number;
  /** Seed of the world's PRNG (separate from the kernel's HAL randomness). Default 1. */
  worldSeed?: number;
  /** Time a passing or failing check takes to answer (ms). Default 5. */
  checkLatencyMs?: number;
}

/**
 * How a service's checks answer: pass, fail, hang (never answer: the kernel's timeout fires),
 * flap (pass and fail alternating every `periodMs` of virtual time), or slow (answer after
 * `latencyMs`, maybe past the timeout).
 */
export type CheckBehaviour =
  | { mode: "pass" | "fail"; latencyMs?: number }
  | { mode: "hang" }
  | { mode: "flap"; periodMs: number; latencyMs?: number }
  | { mode: "slow"; latencyMs: number };

interface Fault {
  /** Spawns left that this fault applies to (Infinity: every spawn). */
  remaining: number;
}

export class SimulatedExecutor {
  /** Handles of instances that exist in the simulated world (spawned, not yet exited). */
  private readonly alive = new Set<number>();
  private readonly hangs = new Map<string, Fault>();
  private readonly crashesAfterStart = new Map<string, Fault & { afterMs: number; status: number }>();
  private readonly stubborn = new Set<string>();
  private readonly random: () => number;
  private readonly checkBehaviours = new Map<string, CheckBehaviour>();
  private readonly pingEveryMs = new Map<string, number>();
  private readonly silent = new Set<string>();
  /** Grows with every heal(): a crash armed before it no longer fires. */
  private healEpoch = 0;
  /** The configuration each started instance read last (instances of services with keys). */
  private readonly configs = new Map<number, { reads: number; values: Record<string, string | undefined> }>();
  /** Services whose traffic goes to a backup (a failover), and the backup. */
  private readonly routes = new Map<string, string>();
  private readonly manifest: KernelManifest;
  spawned = 0;
  checksAnswered = 0;
  pings = 0;
  rebootRequests = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly hal: VirtualHal,
    private readonly options: SimulatedExecutorOptions = {},
  ) {
    this.random = splitmix32(options.worldSeed ?? 1);
    this.manifest = new KernelManifest(kernel);
  }

  /** The configuration instance `handle` last read, and how many times it read it (undefined: none). */
  configOf(handle: number): { reads: number; values: Record<string, string | undefined> } | undefined { return this.configs.get(handle); }

  /** Where `service`'s traffic goes: itself, or the backup it was failed over to. */
  routeOf(service: string): string { return this.routes.get(service) ?? service; }

  /** The next `times` spawns of `service` never report started (the start timeout fires). */
  hangOnStart(service: string, times = 1): void { this.hangs.set(service, { remaining: times }); }

  /** The next `times` runs of `service` crash `afterMs` after starting, with `status`. */
  crashAfterStart(service: string, afterMs: number, status = 1, times = 1): void {
    this.crashesAfterStart.set(service, { remaining: times, afterMs, status });
  }

  /** Instances of `service` ignore graceful stops (the stop timeout fires, then a kill). */
  ignoreStop(service: string, ignore = true): void {
    if (ignore) this.stubborn.add(service); else this.stubborn.delete(service);
  }

  /** Crashes the running instance `ordinal` of `service` now (no-op if it is not alive). */
  crash(service: string, ordinal = 0, status = 1): void {
    const handle = this.kernel.instances(service)[ordinal];
    if (handle !== undefined && this.forget(handle)) this.kernel.instanceExited(handle, status);
  }

  /** Every injected fault is lifted: starts, stops, checks and pings behave again. */
  heal(): void {
    this.hangs.clear();
    this.crashesAfterStart.clear();
    this.stubborn.clear();
    this.checkBehaviours.clear();
    this.silent.clear();
    this.healEpoch++;
  }

  /** How the checks of `service` answer from now on (default: pass). */
  checks(service: string, behaviour: CheckBehaviour): void { this.checkBehaviours.set(service, behaviour); }

  /** Running instances of `service` ping their watchdog every `everyMs` (0: never). */
  pingWatchdog(service: string, everyMs: number): void { this.pingEveryMs.set(service, everyMs); }

  /** Instances of `service` stop pinging (a hung main loop) until told otherwise. */
  missPings(service: string, missing = true): void {
    if (missing) this.silent.add(service); else this.silent.delete(service);
  }

  handle(action: Action): void {
    switch (action.kind) {
      case "spawn": return this.spawn(action);
      case "stop": return this.stop(action);
      case "kill": return this.kill(action);
      case "run-check": return this.runCheck(action);
      case "config-changed":
      case "config-reload": return this.reloadConfig(action.service);
      case "failover":
        this.routes.set(action.serviceName, this.kernel.name(action.arg));
        return;
      case "reboot-request":
        this.rebootRequests++;
        return;
    }
  }

  /** The instance is gone from the world: true if it was there. */
  private forget(instance: number): boolean {
    this.configs.delete(instance);
    return this.alive.delete(instance);
  }

  /** An instance reads its service's configuration (only services that have keys keep a copy). */
  private readConfig(service: ServiceRef, instance: number): void {
    if (this.manifest.keys(service).length === 0) return;
    this.configs.set(instance, { reads: (this.configs.get(instance)?.reads ?? 0) + 1, values: this.manifest.config(service) });
  }

  private reloadConfig(service: number): void {
    for (const instance of this.kernel.instances(service)) if (this.configs.has(instance) && this.alive.has(instance)) this.readConfig(service, instance);
  }

  private runCheck(action: Action): void {
    const { instance, serviceName } = action;
    const behaviour = this.checkBehaviours.get(serviceName) ?? { mode: "pass" };
    if (behaviour.mode === "hang") return;
    const latency = "latencyMs" in behaviour && behaviour.latencyMs !== undefined ? behaviour.latencyMs : this.options.checkLatencyMs ?? 5;
    let ok = behaviour.mode === "pass" || behaviour.mode === "slow";
    if (behaviour.mode === "flap") ok = Math.floor(this.hal.timeMs / behaviour.periodMs) % 2 === 0;
    const health = this.kernel.exports;
    this.hal.after(latency, () => {
      if (!this.alive.has(instance)) return;
      this.checksAnswered++;
      health.checkReport(action.arg, instance, ok ? 0 : 1, latency); // a stale or late answer is simply ignored
    });
  }

  private schedulePing(service: string, instance: number): void {
    const every = this.pingEveryMs.get(service) ?? 0;
    if (every <= 0) return;
    this.hal.after(every, () => {
      if (!this.alive.has(instance)) return;
      if (!this.silent.has(service)) {
        this.pings++;
        this.kernel.exports.watchdogPing(instance);
      }
      this.schedulePing(service, instance);
    });
  }

  private delay(option: SimulatedExecutorOptions["startDelayMs"], fallback: number, action: Action): number {
    const base = typeof option === "function" ? option(action.serviceName, action.ordinal) : option ?? fallback;
    const jitter = this.options.jitterMs ?? 0;
    return base + (jitter > 0 ? this.random() % (jitter + 1) : 0);
  }

  private take(faults: Map<string, Fault>, service: string): boolean {
    const fault = faults.get(service);
    if (!fault || fault.remaining <= 0) return false;
    fault.remaining--;
    return true;
  }

  private spawn(action: Action): void {
    const { instance, serviceName, service } = action;
    this.spawned++;
    this.alive.add(instance);
    if (this.take(this.hangs, serviceName)) return;
    const crash = this.crashesAfterStart.get(serviceName);
    const crashes = this.take(this.crashesAfterStart, serviceName);
    this.hal.after(this.delay(this.options.startDelayMs, 50, action), () => {
      if (!this.alive.has(instance)) return;
      this.readConfig(service, instance);
      this.kernel.instanceStarted(instance);
      this.routes.delete(serviceName); // it runs again: its traffic comes back
      this.schedulePing(serviceName, instance);
      if (crashes && crash) {
        const epoch = this.healEpoch;
        this.hal.after(crash.afterMs, () => {
          if (epoch === this.healEpoch && this.forget(instance)) this.kernel.instanceExited(instance, crash.status);
        });
      }
    });
  }

  private stop(action: Action): void {
    const { instance, serviceName } = action;
    if (this.stubborn.has(serviceName)) return;
    this.hal.after(this.delay(this.options.stopDelayMs, 20, action), () => {
      if (this.forget(instance)) this.kernel.instanceExited(instance, 0);
    });
  }

  private kill(action: Action): void {
    // The kernel already counts a killed instance as down; the world just loses it.
    this.forget(action.instance);
  }

  /** Instances alive in the simulated world. */
  get aliveCount(): number { return this.alive.size; }
}
