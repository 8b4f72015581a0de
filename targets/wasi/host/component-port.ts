// The component host: the jco-transpiled component (targets/wasi/build/jco) instantiated with a
// TypeScript HAL and driven through its `kernel` interface. jco's runtime is the component
// runtime here (there is no wasmtime binary on npm or Debian). A trap marks the instance dead;
// every later call throws until `restart()` instantiates a fresh component.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Action, KernelPort } from "../../conformance/port.ts";
import { RECORDS, type RecordLayout } from "../../abi/bytes.ts";
import type { VirtualHal } from "../../node/hal.ts";
import { KernelTrap, trapKindOf } from "../../node/trap.ts";
import { COMPONENT_NAME, JCO_DIR } from "../tools/build.ts";
import { interfaceId } from "../tools/wit.ts";

/** The `kernel` export as jco presents it (camelCase functions, records as objects). */
export interface ComponentKernelApi extends Omit<KernelPort, "eventsRead"> {
  ioCapacity(): number;
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

  serviceRegister(name: string, type: number, instances: number): number {
    return this.call((k) => k.serviceRegister(name, type, instances));
  }
  recordApply(service: number, section: number, record: Uint8Array): number { return this.call((k) => k.recordApply(service, section, record)); }
  dependencyAdd(from: number, to: number, kind: number): number { return this.call((k) => k.dependencyAdd(from, to, kind)); }
  startAll(): number { return this.call((k) => k.startAll()); }
  stopAll(): number { return this.call((k) => k.stopAll()); }
  serviceStart(id: number): number { return this.call((k) => k.serviceStart(id)); }
  serviceStop(id: number): number { return this.call((k) => k.serviceStop(id)); }
  serviceRestart(id: number): number { return this.call((k) => k.serviceRestart(id)); }
  serviceInstance(id: number, ordinal: number): number { return this.call((k) => k.serviceInstance(id, ordinal)); }
  instanceStarted(handle: number): number { return this.call((k) => k.instanceStarted(handle)); }
  instanceExited(handle: number, status: number): number { return this.call((k) => k.instanceExited(handle, status)); }
  tick(): number { return this.call((k) => k.tick()); }
  run(ms: number): number { return this.call((k) => k.run(ms)); }
  actionsDrain(): Action[] { return this.call((k) => k.actionsDrain()); }
  eventsRead(fromSeq: number): Uint8Array[] {
    return this.call((k) => k.eventsRead(fromSeq)).map((record) => encodeRecord(RECORDS.event, record));
  }
}
