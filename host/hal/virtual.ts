// The virtual HAL: a clock that moves only when told or when the kernel sleeps, a seeded PRNG,
// and a queue of host tasks at virtual times (the simulated world: instances coming up, crashing,
// exiting). The kernel's sleep stops early at the next task so the host can deliver it; a day of
// faults replays in milliseconds, and the same seed replays the same run.
import type { Hal } from "./hal.ts";

interface Task { atMs: number; order: number; run: () => void }

/** splitmix32: small, fast, and the same in every host language. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class VirtualHal implements Hal {
  private now = 0;
  private readonly next: () => number;
  private tasks: Task[] = [];
  private taskOrder = 0;
  /** Total virtual milliseconds the kernel spent asleep. */
  sleptMs = 0;

  constructor(readonly seed: number = 1, startMs = 0) {
    this.next = splitmix32(seed);
    this.now = startMs;
  }

  get timeMs(): number { return this.now; }

  nowMs(): bigint { return BigInt(this.now); }
  randomU32(): number { return this.next(); }

  sleepMs(ms: number): boolean {
    const target = this.now + ms;
    const due = this.nextTaskAt();
    if (due !== undefined && due < target) {
      this.sleptMs += Math.max(0, due - this.now);
      this.now = Math.max(this.now, due);
      return true;
    }
    this.sleptMs += ms;
    this.now = target;
    return false;
  }

  /** Moves the clock forward (never back). */
  advance(ms: number): void { this.now += Math.max(0, ms); }
  advanceTo(timeMs: number): void { this.now = Math.max(this.now, timeMs); }

  /** Runs `run` when the virtual clock reaches `atMs` (see runDue). */
  at(atMs: number, run: () => void): void {
    this.tasks.push({ atMs, order: this.taskOrder++, run });
    this.tasks.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  }

  after(ms: number, run: () => void): void { this.at(this.now + ms, run); }

  nextTaskAt(): number | undefined { return this.tasks[0]?.atMs; }

  /** Runs every task due at the current time, in time then insertion order; returns how many. */
  runDue(): number {
    let ran = 0;
    while (this.tasks.length > 0 && this.tasks[0].atMs <= this.now) {
      this.tasks.shift()!.run();
      ran++;
    }
    return ran;
  }
}
