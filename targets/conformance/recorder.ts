// Records a conformance program (program.ts) from a live kernel: every export call with its
// arguments, the I/O-buffer bytes it reads, the virtual clock before it and, when the kernel
// slept during it, the wake time its HAL had. Whoever drives the kernel (a scenario builder, the
// seeded simulator through the typed Kernel of host/) needs no change: the recorder stands in
// for the kernel's exports object and passes every call through.
//
// While recording it hashes the answers exactly as replay.ts does, so the recording run is the
// reference every host must reproduce (and the event hash is the recorded run's own event log).
import { kernelAbi } from "../abi/abi.ts";
import { Fnv1a64, WAKE_NONE } from "./determinism.ts";
import { FLAG_EVENT_LOG, paramsOf, programExports, resultOf, type Program, type ProgramExport, type Step } from "./program.ts";
import { slotBytes, toSlot } from "./slots.ts";

/** The virtual clock of the recorded run: its time, and when its host next has input (WAKE_NONE: never). */
export interface RecordedClock {
  nowMs(): bigint;
  wakeMs(): bigint;
}

type Exports = Record<string, unknown> & { memory: WebAssembly.Memory; ioBuffer(): number };
type Fn = (...args: (number | bigint)[]) => unknown;

export interface Recording { program: Program; calls: number; events: number; hash: string; eventHash: string }

export class Recorder {
  private readonly steps: Step[] = [];
  private readonly table: ProgramExport[];
  private nowMs = 0n;
  private wakeMs = WAKE_NONE;
  private slept = false;
  private readonly hash = new Fnv1a64();
  private readonly eventHash = new Fnv1a64();
  private calls = 0;
  private events = 0;

  constructor(readonly seed: number, private readonly clock: RecordedClock, table: ProgramExport[] = programExports(kernelAbi())) {
    this.table = table;
  }

  /** The HAL calls this when the kernel sleeps (so the wake time it slept against is recorded). */
  noteSleep(): void { this.slept = true; }

  /** An exports object that records every call of `exports` and passes it through. */
  wrap<T extends object>(exports: T): T {
    const raw = exports as unknown as Exports;
    const wrapped: Record<string, unknown> = { ...raw };
    this.table.forEach((fn, index) => {
      const original = raw[fn.name] as Fn | undefined;
      if (typeof original !== "function") throw new Error(`the kernel has no export '${fn.name}' (the ABI lists it)`);
      wrapped[fn.name] = (...args: (number | bigint)[]) => this.call(raw, fn, index, original, args);
    });
    return wrapped as T;
  }

  private call(raw: Exports, fn: ProgramExport, index: number, original: Fn, args: (number | bigint)[]): unknown {
    const letters = paramsOf(fn.signature);
    if (args.length !== letters.length) throw new Error(`${fn.name}: ${args.length} arguments, the ABI has ${letters.length}`);
    let inputBytes = 0;
    for (let i = 0; i < letters.length; i++) if (letters[i] === "s" || letters[i] === "b") inputBytes += Number(args[i]);
    const io = () => new Uint8Array(raw.memory.buffer, raw.ioBuffer(), raw.memory.buffer.byteLength - raw.ioBuffer());
    const input = inputBytes > 0 ? io().slice(0, inputBytes) : null;
    const nowBefore = this.clock.nowMs();
    const wakeBefore = this.clock.wakeMs();
    this.slept = false;
    const value = original(...args);
    if (nowBefore !== this.nowMs) this.steps.push({ kind: "clock", ms: nowBefore });
    if (this.slept && wakeBefore !== this.wakeMs) {
      this.steps.push({ kind: "wake", ms: wakeBefore });
      this.wakeMs = wakeBefore;
    }
    if (input) this.steps.push({ kind: "io", bytes: input });
    this.steps.push({ kind: "call", index, args: args.map((a, i) => toSlot(letters[i], a)) });
    this.nowMs = this.clock.nowMs();
    const result = toSlot(resultOf(fn.signature), value);
    const out = result > 0n && fn.outUnit > 0 ? io().slice(0, Number(result) * fn.outUnit) : new Uint8Array(0);
    this.calls++;
    this.hash.update(slotBytes(result));
    this.hash.update(out);
    if (fn.flags & FLAG_EVENT_LOG) {
      this.eventHash.update(out);
      this.events += Number(result);
    }
    return value;
  }

  finish(): Recording {
    return {
      program: { seed: this.seed, exports: this.table, steps: this.steps.slice() },
      calls: this.calls, events: this.events, hash: this.hash.hex(), eventHash: this.eventHash.hex(),
    };
  }
}
