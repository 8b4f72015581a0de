// The component host: the jco-transpiled component (targets/wasi/build/jco) instantiated with a
// TypeScript HAL and driven through its `kernel` interface. jco's runtime is the component
// runtime here (there is no wasmtime binary on npm or Debian). A trap marks the instance dead;
// every later call throws until `restart()` instantiates a fresh component.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CallResult, KernelPort } from "../../conformance/port.ts";
import { resultOf, type ProgramExport } from "../../conformance/program.ts";
import { argValue, toSlot } from "../../conformance/slots.ts";
import { kernelAbi, type AbiFunction } from "../../abi/abi.ts";
import type { ScalarType } from "../../abi/exports.ts";
import { RECORDS, type RecordLayout, type RecordName } from "../../abi/bytes.ts";
import type { VirtualHal } from "../../node/hal.ts";
import { KernelTrap, trapKindOf } from "../../node/trap.ts";
import { COMPONENT_NAME, JCO_DIR } from "../tools/build.ts";
import { interfaceId } from "../tools/wit.ts";

/** The `kernel` export as jco presents it (camelCase functions, records as objects). */
export interface ComponentKernelApi {
  ioCapacity(): number;
  tick(): number;
  serviceRegister(name: string, type: number, instances: number): number;
  startAll(): number;
  actionsDrain(): { kind: number; service: number; instance: number; arg: number }[];
  serviceLookup(name: string): number;
  serviceName(id: number): string;
  dependencyAddByName(from: number, name: string, kind: number): number;
  order(): { id: number; wave: number }[];
  errorDetail(): string;
  eventsRead(fromSeq: number): Record<string, number | bigint>[];
  [name: string]: (...args: never[]) => unknown;
}

type Instantiate = (
  getCoreModule: (path: string) => Promise<WebAssembly.Module>,
  imports: Record<string, unknown>,
) => Promise<{ kernel: ComponentKernelApi }>;

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A lifted record back in the kernel's byte layout (the conformance hash reads bytes); padding is 0, as the kernel writes it. */
export function encodeRecord(layout: RecordLayout, record: Record<string, number | bigint>): Uint8Array {
  const bytes = new Uint8Array(layout.bytes);
  const view = new DataView(bytes.buffer);
  for (const field of layout.fields) {
    const value = record[camel(field.name)];
    if (value === undefined) throw new Error(`record has no field ${field.name}`);
    switch (field.type) {
      case "u8": view.setUint8(field.offset, Number(value)); break;
      case "u16": view.setUint16(field.offset, Number(value), true); break;
      case "s32": view.setInt32(field.offset, Number(value), true); break;
      case "u32": view.setUint32(field.offset, Number(value), true); break;
      case "s64": view.setBigInt64(field.offset, BigInt(value), true); break;
    }
  }
  return bytes;
}

export class ComponentKernel implements KernelPort {
  private api!: ComponentKernelApi;
  private trap: KernelTrap | null = null;
  private readonly modules = new Map<string, Promise<WebAssembly.Module>>();
  /** The program's last I/O write: the inputs of the calls that follow. */
  private io = new Uint8Array(0);

  private constructor(private readonly instantiate: Instantiate, private readonly dir: string, readonly hal: VirtualHal) {}

  static async create(hal: VirtualHal, dir: string = JCO_DIR): Promise<ComponentKernel> {
    const entry = pathToFileURL(join(dir, `${COMPONENT_NAME}.js`)).href;
    const { instantiate } = (await import(entry)) as { instantiate: Instantiate };
    const kernel = new ComponentKernel(instantiate, dir, hal);
    await kernel.restart();
    return kernel;
  }

  private coreModule(path: string): Promise<WebAssembly.Module> {
    let module = this.modules.get(path);
    if (!module) {
      module = readFile(join(this.dir, path)).then((bytes) => WebAssembly.compile(bytes));
      this.modules.set(path, module);
    }
    return module;
  }

  /** A fresh component instance; the HAL keeps its clock. */
  async restart(): Promise<void> {
    const hal = this.hal;
    const text = (units: Uint16Array) => String.fromCharCode(...units.subarray(0, 256));
    const imports = {
      nowMs: () => hal.now(),
      randomU32: () => hal.randomU32(),
      sleepMs: (ms: number) => hal.sleep(ms),
      abort: (message: Uint16Array, file: Uint16Array, line: number, column: number) =>
        hal.abort({ message: text(message), file: text(file), line, column }),
    };
    hal.lastAbort = null;
    // The generated JS looks imports up by the unversioned name; its .d.ts shows the versioned one.
    const root = await this.instantiate((path) => this.coreModule(path), {
      [interfaceId("hal").replace(/@.*$/, "")]: imports,
      [interfaceId("hal")]: imports,
    });
    this.api = root.kernel;
    this.trap = null;
  }

  get trapped(): KernelTrap | null { return this.trap; }

  /** Runs a call into the component, turning a trap into a KernelTrap and refusing calls after one. */
  call<T>(body: (api: ComponentKernelApi) => T): T {
    if (this.trap) throw this.trap;
    try {
      return body(this.api);
    } catch (error) {
      const kind = trapKindOf(error);
      if (kind === null) throw error;
      this.trap = new KernelTrap(kind, this.hal.lastAbort, { cause: error });
      throw this.trap;
    }
  }

  writeIo(bytes: Uint8Array): void { this.io = bytes.slice(); }

  /**
   * Calls the component's function for `fn`: the length arguments of inputs become the strings
   * and byte lists cut from the last I/O write, lists and strings coming back become the bytes
   * the core module would have written (records in the kernel's layout), an error result its code.
   */
  callExport(fn: ProgramExport, args: bigint[]): CallResult {
    const abi = abiFunctions().get(fn.name);
    if (!abi) throw new Error(`the component has no function for export '${fn.name}'`);
    const values: unknown[] = [];
    let at = 0;
    abi.params.forEach((param, i) => {
      const input = abi.bytesIn.find((b) => b.index === i);
      if (input) {
        const length = Number(args[i]);
        const bytes = this.io.subarray(at, at + length);
        at += length;
        values.push(input.kind === "string" ? new TextDecoder().decode(bytes) : bytes);
      } else {
        values.push(componentArg(param.type, args[i]));
      }
    });
    const name = camel(abi.witName);
    let value: unknown;
    try {
      value = this.call((k) => (k[name] as (...a: unknown[]) => unknown)(...values));
    } catch (error) {
      const payload = (error as { payload?: unknown }).payload;
      if (abi.bytesOut?.fallible && typeof payload === "number") return { result: toSlot("i", payload), out: new Uint8Array(0) };
      throw error;
    }
    if (!abi.bytesOut) return { result: toSlot(resultOf(fn.signature), value), out: new Uint8Array(0) };
    const out = outputBytes(abi.bytesOut.element, value);
    return { result: BigInt(fn.outUnit > 0 ? out.length / fn.outUnit : 0), out };
  }
}

let functions: Map<string, AbiFunction> | null = null;
function abiFunctions(): Map<string, AbiFunction> {
  functions ??= new Map(kernelAbi().functions.map((f) => [f.name, f]));
  return functions;
}

/** A program slot as the component's value of a WIT scalar (unsigned types lifted unsigned). */
function componentArg(type: ScalarType, slot: bigint): unknown {
  switch (type) {
    case "u64": return BigInt.asUintN(64, slot);
    case "i64": return BigInt.asIntN(64, slot);
    case "u32": case "usize": return Number(BigInt.asUintN(32, slot));
    case "bool": return slot !== 0n;
    case "f64": case "f32": return argValue("F", slot);
    default: return Number(BigInt.asIntN(32, slot));
  }
}

/** What a lifted string, byte list, u16 list or record list was in the I/O buffer. */
function outputBytes(element: string, value: unknown): Uint8Array {
  if (element === "string") return new TextEncoder().encode(value as string);
  if (element === "bytes") return Uint8Array.from(value as ArrayLike<number>);
  if (element === "u16") {
    const units = Array.from(value as ArrayLike<number>);
    const bytes = new Uint8Array(units.length * 2);
    units.forEach((u, i) => new DataView(bytes.buffer).setUint16(i * 2, u, true));
    return bytes;
  }
  const records = (value as Record<string, number | bigint>[]).map((r) => encodeRecord(RECORDS[element as RecordName], r));
  const bytes = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  records.forEach((r, i) => bytes.set(r, i * (r.length)));
  return bytes;
}
