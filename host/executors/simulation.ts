// A whole simulated device: kernel + virtual HAL + simulated executor, driven in virtual time.
// `runFor` alternates the kernel's own run loop (which sleeps through the HAL until a deadline
// or the next world event) with delivering actions to the executor and world events to the
// kernel, so a run is a pure function of its seed and inputs.
import { Kernel } from "../kernel/kernel.ts";
import type { KernelEvent } from "../kernel/abi.ts";
import type { Profile } from "../kernel/module.ts";
import { VirtualHal } from "../hal/virtual.ts";
import { SimulatedExecutor, type SimulatedExecutorOptions } from "./simulated.ts";

export interface SimulationOptions extends SimulatedExecutorOptions {
  seed?: number;
  profile?: Profile;
}

/** Exchanges at one instant before the simulation calls it a livelock (a bug, not a load). */
const EXCHANGES_PER_INSTANT_MAX = 100_000;

export class Simulation {
  readonly hal: VirtualHal;
  readonly kernel: Kernel;
  readonly executor: SimulatedExecutor;
  readonly events: KernelEvent[] = [];
  private readonly listeners: ((event: KernelEvent) => void)[] = [];

  constructor(options: SimulationOptions = {}) {
    this.hal = new VirtualHal(options.seed ?? 1);
    this.kernel = new Kernel({ hal: this.hal, profile: options.profile });
    this.executor = new SimulatedExecutor(this.kernel, this.hal, { worldSeed: (options.seed ?? 1) ^ 0x5eed, ...options });
  }

  get timeMs(): number { return this.hal.timeMs; }

  onEvent(listener: (event: KernelEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** Delivers everything due now: actions to the executor, world events to the kernel. */
  pump(): void {
    for (let exchanges = 0; ; exchanges++) {
      if (exchanges > EXCHANGES_PER_INSTANT_MAX) throw new Error(`livelock at t=${this.timeMs} ms`);
      const actions = this.kernel.drainActions();
      for (const action of actions) this.executor.handle(action);
      const ran = this.hal.runDue();
      this.collect();
      if (actions.length === 0 && ran === 0) return;
    }
  }

  private collect(): void {
    for (const event of this.kernel.readEvents()) {
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
    }
  }

  /** Runs `ms` of virtual time. */
  runFor(ms: number): void {
    const end = this.timeMs + ms;
    this.pump();
    while (this.timeMs < end) {
      this.kernel.run(end - this.timeMs);
      this.pump();
    }
  }

  /** Runs until `done()` holds (checked after every exchange) or `limitMs` passes; returns done(). */
  runUntil(done: () => boolean, limitMs: number): boolean {
    const end = this.timeMs + limitMs;
    this.pump();
    while (!done() && this.timeMs < end) {
      this.kernel.run(end - this.timeMs);
      this.pump();
    }
    return done();
  }
}
