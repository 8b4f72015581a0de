// A simulated executor: answers the kernel's actions the way a firmware's task layer would,
// on the virtual clock. Instances take a configurable time to start and stop, and can be told
// to crash, to hang while starting, or to ignore a graceful stop, so tests and the demo can
// drive every lifecycle path deterministically.
import type { Kernel } from "../kernel/kernel.ts";
import type { Action } from "../kernel/abi.ts";
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
}

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
  spawned = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly hal: VirtualHal,
    private readonly options: SimulatedExecutorOptions = {},
  ) {
    this.random = splitmix32(options.worldSeed ?? 1);
  }

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
    if (handle !== undefined && this.alive.delete(handle)) this.kernel.instanceExited(handle, status);
  }

  handle(action: Action): void {
    switch (action.kind) {
      case "spawn": return this.spawn(action);
      case "stop": return this.stop(action);
      case "kill": return this.kill(action);
    }
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
    const { instance, serviceName } = action;
    this.spawned++;
    this.alive.add(instance);
    if (this.take(this.hangs, serviceName)) return;
    const crash = this.crashesAfterStart.get(serviceName);
    const crashes = this.take(this.crashesAfterStart, serviceName);
    this.hal.after(this.delay(this.options.startDelayMs, 50, action), () => {
      if (!this.alive.has(instance)) return;
      this.kernel.instanceStarted(instance);
      if (crashes && crash) {
        this.hal.after(crash.afterMs, () => {
          if (this.alive.delete(instance)) this.kernel.instanceExited(instance, crash.status);
        });
      }
    });
  }

  private stop(action: Action): void {
    const { instance, serviceName } = action;
    if (this.stubborn.has(serviceName)) return;
    this.hal.after(this.delay(this.options.stopDelayMs, 20, action), () => {
      if (this.alive.delete(instance)) this.kernel.instanceExited(instance, 0);
    });
  }

  private kill(action: Action): void {
    // The kernel already counts a killed instance as down; the world just loses it.
    this.alive.delete(action.instance);
  }

  /** Instances alive in the simulated world. */
  get aliveCount(): number { return this.alive.size; }
}
