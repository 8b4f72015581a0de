// The Node host of the conformance run: build/<profile>.wasm instantiated with
// @assemblyscript/loader and the virtual HAL, driven through its scalar exports directly (this
// folder stays independent of the typed binding in host/). A trap marks the instance dead; every
// later call throws until `restart()` instantiates a fresh kernel.
import { instantiate } from "@assemblyscript/loader";
import { readFile } from "node:fs/promises";
import type { Action, KernelPort } from "../conformance/port.ts";
import type { VirtualHal } from "./hal.ts";
import { KernelTrap, trapKindOf } from "./trap.ts";

type Fn = (...args: number[]) => number;
interface CoreExports {
  memory: WebAssembly.Memory;
  ioBuffer(): number;
  ioCapacity(): number;
  [name: string]: unknown;
}

const ACTION_BYTES = 16;
const EVENT_BYTES = 32;

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
  call(name: string, ...args: number[]): number {
    if (this.trap) throw this.trap;
    try {
      return (this.exports[name] as Fn)(...args);
    } catch (error) {
      const kind = trapKindOf(error);
      if (kind === null) throw error;
      this.trap = new KernelTrap(kind, this.hal.lastAbort, { cause: error });
      throw this.trap;
    }
  }

  private io(length: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), length);
  }

  private withName(name: string, call: (length: number) => number): number {
    const bytes = new TextEncoder().encode(name);
    if (bytes.length > this.exports.ioCapacity()) return -14; // E_IO_LENGTH, as the kernel would say
    this.io(bytes.length).set(bytes);
    return call(bytes.length);
  }

  serviceRegister(name: string, type: number, instances: number): number {
    return this.withName(name, (length) => this.call("serviceRegister", length, type, instances));
  }
  recordApply(service: number, section: number, record: Uint8Array): number {
    this.io(record.length).set(record);
    return this.call("recordApply", service, section, record.length);
  }
  dependencyAdd(from: number, to: number, kind: number): number { return this.call("dependencyAdd", from, to, kind); }
  startAll(): number { return this.call("startAll"); }
  stopAll(): number { return this.call("stopAll"); }
  serviceStart(id: number): number { return this.call("serviceStart", id); }
  serviceStop(id: number): number { return this.call("serviceStop", id); }
  serviceRestart(id: number): number { return this.call("serviceRestart", id); }
  serviceInstance(id: number, ordinal: number): number { return this.call("serviceInstance", id, ordinal); }
  instanceStarted(handle: number): number { return this.call("instanceStarted", handle); }
  instanceExited(handle: number, status: number): number { return this.call("instanceExited", handle, status); }
  tick(): number { return this.call("tick"); }
  run(ms: number): number { return this.call("run", ms); }

  actionsDrain(): Action[] {
    const count = this.call("actionsDrain");
    const view = new DataView(this.exports.memory.buffer, this.exports.ioBuffer(), count * ACTION_BYTES);
    return Array.from({ length: count }, (_, i) => ({
      kind: view.getUint8(i * ACTION_BYTES),
      service: view.getInt32(i * ACTION_BYTES + 4, true),
      instance: view.getInt32(i * ACTION_BYTES + 8, true),
      arg: view.getInt32(i * ACTION_BYTES + 12, true),
    }));
  }

  eventsRead(fromSeq: number): Uint8Array[] {
    const count = this.call("eventsRead", fromSeq);
    const bytes = this.io(count * EVENT_BYTES).slice();
    return Array.from({ length: count }, (_, i) => bytes.subarray(i * EVENT_BYTES, (i + 1) * EVENT_BYTES));
  }
}
