// The simulated world a conformance scenario is recorded in: a kernel (a build profile's core
// module, instantiated raw) on host/hal's VirtualHal, behind the recorder, and a small
// deterministic host that answers the kernel's outbox the way a device would. Only the
// recording run needs it: the program it produces carries every answer as an export call, so
// the replaying hosts need no simulated host of their own.
//
// The host: a spawn is answered with `instanceStarted` after the service's start delay plus
// seeded jitter (never, for a hung ordinal), then a crash if one is armed; a stop with
// `instanceExited 0` after the stop delay; a kill cancels what the instance had pending and is
// answered with `instanceExited -9` one millisecond later; a run-check with `checkReport` after
// the latency the service's check script gives (or never). Other actions are noted for the
// scenario's own checks and need no answer.
import { readFileSync } from "node:fs";
import { VirtualHal, splitmix32 } from "../../host/hal/virtual.ts";
import { WAKE_NONE } from "./determinism.ts";
import { Recorder, type Recording } from "./recorder.ts";

export const ACTION = { spawn: 1, stop: 2, kill: 3, runCheck: 4, rebootRequest: 5, configReload: 6, failover: 7, configChanged: 8 } as const;
const ACTION_BYTES = 16;
const EVENT_BYTES = 32;
/** The second PRNG stream (the host's delays) is seeded apart from the kernel's. */
const WORLD_SEED_MIX = 0x9e3779b9;
/** Answers to a dead or reused instance handle are expected races, as on a real host. */
const E_UNKNOWN_INSTANCE = -7;
const E_STALE_INSTANCE = -8;

export interface Action { kind: number; service: number; instance: number; arg: number }
/** A check's answer: outcome 0 success, 1 failure, 2 timeout, after `latencyMs`; null: never answered. */
export type CheckAnswer = { outcome: number; latencyMs: number } | null;

export interface Behaviour {
  startDelayMs: number;
  startJitterMs: number;
  stopDelayMs: number;
  /** Ordinals whose spawns are never answered. */
  hung: Set<number>;
  /** Crashes armed per ordinal: exit `status` `afterMs` after the next start (consumed in order). */
  crashes: Map<number, { afterMs: number; status: number }[]>;
  /** The answer to the n-th run of a check of this service (n from 0). */
  check: (n: number) => CheckAnswer;
}

type Fn = (...args: (number | bigint)[]) => number | bigint | undefined;

export class World {
  readonly hal: VirtualHal;
  readonly recorder: Recorder;
  readonly actions: Action[] = [];
  /** Every event record read, in order (32 bytes each). */
  readonly events: Uint8Array[] = [];
  private readonly x: Record<string, Fn>;
  private readonly raw: Record<string, Fn>;
  private readonly memory: WebAssembly.Memory;
  private readonly io: number;
  private readonly behaviours = new Map<number, Behaviour>();
  private readonly checkRuns = new Map<number, number>();
  private readonly alive = new Map<number, { cancelled: boolean }[]>();
  private readonly jitter: () => number;
  private nextSeq = 1;
  randomDraws = 0;

  constructor(wasmPath: string, seed: number) {
    const hal = new VirtualHal(seed);
    this.hal = hal;
    this.jitter = splitmix32((seed ^ WORLD_SEED_MIX) >>> 0);
    this.recorder = new Recorder(seed, {
      nowMs: () => hal.nowMs(),
      wakeMs: () => { const at = hal.nextTaskAt(); return at === undefined ? WAKE_NONE : BigInt(at); },
    });
    const imports = {
      hal: {
        now_ms: () => hal.nowMs(),
        random_u32: () => { this.randomDraws++; return hal.randomU32(); },
        sleep_ms: (ms: number) => { this.recorder.noteSleep(); return hal.sleepMs(ms >>> 0) ? 1 : 0; },
        abort: () => { throw new Error("the kernel aborted while recording a scenario (a kernel bug)"); },
      },
    };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), imports);
    const raw = instance.exports as Record<string, unknown> & { memory: WebAssembly.Memory; ioBuffer(): number };
    this.memory = raw.memory;
    this.io = raw.ioBuffer();
    this.raw = raw as unknown as Record<string, Fn>;
    this.x = this.recorder.wrap(raw) as unknown as Record<string, Fn>;
  }

  get nowMs(): number { return this.hal.timeMs; }

  /** Calls an export (recorded); the host settles afterwards (actions answered, events read). */
  call(name: string, ...args: (number | bigint)[]): number {
    const fn = this.x[name];
    if (typeof fn !== "function") throw new Error(`scenario: the kernel has no export '${name}'`);
    const result = fn(...args);
    this.settle();
    return typeof result === "bigint" ? Number(result) : result ?? 0;
  }

  /** Calls an export and checks its status (a scenario that does not do what it says fails to build). */
  expect(expected: number | ((status: number) => boolean), name: string, ...args: (number | bigint)[]): number {
    const status = this.call(name, ...args);
    const ok = typeof expected === "function" ? expected(status) : status === expected;
    if (!ok) throw new Error(`scenario: ${name}(${args.join(", ")}) returned ${status}${typeof expected === "number" ? `, expected ${expected}` : ""}: ${this.detail()}`);
    return status;
  }

  /** The kernel's error detail for the last call (read without recording: it only writes the I/O buffer). */
  detail(): string {
    const length = Number(this.raw.errorDetail());
    return new TextDecoder().decode(new Uint8Array(this.memory.buffer, this.io, length));
  }

  /** Writes inputs back to back at the I/O buffer's start; returns their byte lengths. */
  put(...inputs: (string | Uint8Array)[]): number[] {
    let at = 0;
    return inputs.map((input) => {
      const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
      new Uint8Array(this.memory.buffer, this.io + at, bytes.length).set(bytes);
      at += bytes.length;
      return bytes.length;
    });
  }

  /** The bytes the last call wrote to the I/O buffer. */
  output(length: number): Uint8Array { return new Uint8Array(this.memory.buffer, this.io, length).slice(); }

  behave(service: number, behaviour: Partial<Behaviour>): Behaviour {
    const current = this.behaviours.get(service) ?? {
      startDelayMs: 20, startJitterMs: 10, stopDelayMs: 15, hung: new Set(), crashes: new Map(), check: () => ({ outcome: 0, latencyMs: 5 }),
    };
    const next = { ...current, ...behaviour };
    this.behaviours.set(service, next);
    return next;
  }

  /** Arms a crash: the ordinal's next start exits with `status` after `afterMs`. */
  crashAfterStart(service: number, ordinal: number, afterMs: number, status: number): void {
    const b = this.behave(service, {});
    const list = b.crashes.get(ordinal) ?? [];
    list.push({ afterMs, status });
    b.crashes.set(ordinal, list);
  }

  private later(handle: number, delayMs: number, run: () => void): void {
    const token = { cancelled: false };
    const tokens = this.alive.get(handle) ?? [];
    tokens.push(token);
    this.alive.set(handle, tokens);
    this.hal.after(delayMs, () => { if (!token.cancelled) run(); });
  }

  private cancel(handle: number): void {
    for (const token of this.alive.get(handle) ?? []) token.cancelled = true;
    this.alive.delete(handle);
  }

  /** Answers an instance event; a dead or reused handle is an expected race. */
  private answer(name: string, ...args: number[]): void {
    const status = this.call(name, ...args);
    if (status < 0 && status !== E_UNKNOWN_INSTANCE && status !== E_STALE_INSTANCE) {
      throw new Error(`scenario host: ${name}(${args.join(", ")}) returned ${status}: ${this.detail()}`);
    }
  }

  private handle(action: Action): void {
    this.actions.push(action);
    const b = this.behave(action.service, {});
    const handle = action.instance;
    switch (action.kind) {
      case ACTION.spawn: {
        if (b.hung.has(action.arg)) return;
        const delay = b.startDelayMs + (b.startJitterMs > 0 ? this.jitter() % (b.startJitterMs + 1) : 0);
        const crash = b.crashes.get(action.arg)?.shift();
        this.later(handle, delay, () => {
          this.answer("instanceStarted", handle);
          if (crash) this.later(handle, crash.afterMs, () => this.answer("instanceExited", handle, crash.status));
        });
        return;
      }
      case ACTION.stop: this.later(handle, b.stopDelayMs, () => this.answer("instanceExited", handle, 0)); return;
      case ACTION.kill: this.cancel(handle); this.later(handle, 1, () => this.answer("instanceExited", handle, -9)); return;
      case ACTION.runCheck: {
        const n = this.checkRuns.get(action.service) ?? 0;
        this.checkRuns.set(action.service, n + 1);
        const answer = b.check(n);
        if (answer) this.later(handle, answer.latencyMs, () => this.answer("checkReport", action.arg, handle, answer.outcome, answer.latencyMs));
        return;
      }
      default: return; // reboot requests, reloads, failovers, config notices: noted, nothing to answer
    }
  }

  /** Answers the outbox and reads the event log until both are empty. */
  settle(): void {
    const drain = () => Number(this.x.actionsDrain());
    const read = () => Number(this.x.eventsRead(this.nextSeq));
    for (let count = drain(); count > 0; count = drain()) {
      const view = new DataView(this.memory.buffer, this.io, count * ACTION_BYTES);
      const actions = Array.from({ length: count }, (_, i) => ({
        kind: view.getUint8(i * ACTION_BYTES), service: view.getInt32(i * ACTION_BYTES + 4, true),
        instance: view.getInt32(i * ACTION_BYTES + 8, true), arg: view.getInt32(i * ACTION_BYTES + 12, true),
      }));
      for (const action of actions) this.handle(action);
    }
    for (let count = read(); count > 0; count = read()) {
      const bytes = new Uint8Array(this.memory.buffer, this.io, count * EVENT_BYTES).slice();
      for (let i = 0; i < count; i++) this.events.push(bytes.subarray(i * EVENT_BYTES, (i + 1) * EVENT_BYTES));
      this.nextSeq = new DataView(bytes.buffer).getUint32((count - 1) * EVENT_BYTES + 8, true) + 1;
    }
  }

  /** Host answers due now, then the kernel's loop, until `ms` of virtual time have passed. */
  runFor(ms: number): void {
    const end = this.hal.timeMs + ms;
    for (;;) {
      this.settle();
      if (this.hal.runDue() > 0) continue;
      if (this.hal.timeMs >= end) return;
      this.call("run", end - this.hal.timeMs);
    }
  }

  /** Moves the clock without the kernel sleeping (a host that was busy); answers due meanwhile are not delivered. */
  advance(ms: number): void { this.hal.advance(ms); }

  finish(): Recording { return this.recorder.finish(); }
}
