// The Node host of the conformance run: build/<profile>.wasm instantiated with
// @assemblyscript/loader and the virtual HAL, driven through its scalar exports directly (this
// folder stays independent of the typed binding in host/). A trap marks the instance dead; every
// later call throws until `restart()` instantiates a fresh kernel.
import { instantiate } from "@assemblyscript/loader";
import { readFile } from "node:fs/promises";
import type { CallResult, KernelPort } from "../conformance/port.ts";
import { paramsOf, resultOf, type ProgramExport } from "../conformance/program.ts";
import { argValue, toSlot } from "../conformance/slots.ts";
import type { VirtualHal } from "./hal.ts";
import { KernelTrap, trapKindOf } from "./trap.ts";

type Fn = (...args: (number | bigint)[]) => number | bigint | undefined;
interface CoreExports {
  memory: WebAssembly.Memory;
  ioBuffer(): number;
  ioCapacity(): number;
  [name: string]: unknown;
}

export class LoaderKernel implements KernelPort {
  private exports!: CoreExports;
  private trap: KernelTrap | null = null;

  private constructor(private readonly wasm: Uint8Array, readonly hal: VirtualHal) {}

  static async create(wasmPath: string, hal: VirtualHal): Promise<LoaderKernel> {
    const kernel = new LoaderKernel(await readFile(wasmPath), hal);
    await kernel.restart();
    return kernel;
  }

  /** A fresh instance (fresh memory, fresh tables); the HAL keeps its clock. */
  async restart(): Promise<void> {
    const hal = this.hal;
    let memory: WebAssembly.Memory | null = null;
    // An AssemblyScript string: UTF-16, byte length at ptr - 4; bounds-checked (memory may be corrupt).
    const text = (ptr: number): string => {
      if (!memory || ptr < 4 || ptr > memory.buffer.byteLength) return "";
      const bytes = memory.buffer.byteLength;
      const units = Math.min(new DataView(memory.buffer).getUint32(ptr - 4, true) >>> 1, (bytes - ptr) >>> 1, 256);
      return String.fromCharCode(...new Uint16Array(memory.buffer.slice(ptr, ptr + units * 2)));
    };
    const imports = {
      hal: {
        now_ms: () => hal.now(),
        random_u32: () => hal.randomU32(),
        sleep_ms: (ms: number) => hal.sleep(ms),
        abort: (message: number, file: number, line: number, column: number) =>
          hal.abort({ message: text(message), file: text(file), line, column }),
      },
    };
    hal.lastAbort = null;
    const { exports } = await instantiate<CoreExports>(this.wasm, imports);
    memory = exports.memory;
    this.exports = exports;
    this.trap = null;
  }

  /** The trap that killed this instance, or null while it is alive. */
  get trapped(): KernelTrap | null { return this.trap; }

  /** The kernel's linear memory: for fault-injection tests only. */
  memoryBytes(): Uint8Array { return new Uint8Array(this.exports.memory.buffer); }

  /** Calls export `name`, turning a trap into a KernelTrap and refusing calls after one. */
  call(name: string, ...args: (number | bigint)[]): number {
    if (this.trap) throw this.trap;
    try {
      const fn = this.exports[name] as Fn | undefined;
      if (typeof fn !== "function") throw new Error(`the kernel has no export '${name}'`);
      return fn(...args) as number;
    } catch (error) {
      const kind = trapKindOf(error);
      if (kind === null) throw error;
      this.trap = new KernelTrap(kind, this.hal.lastAbort, { cause: error });
      throw this.trap;
    }
  }

  writeIo(bytes: Uint8Array): void {
    if (bytes.length > this.exports.ioCapacity()) throw new RangeError(`an I/O write of ${bytes.length} bytes; the buffer holds ${this.exports.ioCapacity()}`);
    new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), bytes.length).set(bytes);
  }

  callExport(fn: ProgramExport, args: bigint[]): CallResult {
    const letters = paramsOf(fn.signature);
    const value = this.call(fn.name, ...args.map((slot, i) => argValue(letters[i], slot)) as number[]);
    const result = toSlot(resultOf(fn.signature), value);
    const length = result > 0n && fn.outUnit > 0 ? Number(result) * fn.outUnit : 0;
    return { result, out: new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), length).slice() };
  }
}
