// The typed Kernel: loads a build profile's module with @assemblyscript/loader, binds a HAL,
// hides the I/O-buffer encoding, turns error codes into MycoError (with the kernel's detail),
// and reads the event log and the outbox as typed objects.
import { instantiateSync } from "@assemblyscript/loader";
import type { Hal } from "../hal/hal.ts";
import { loadModule, type Profile } from "./module.ts";
import { kernelExports, type KernelExports } from "./exports.ts";
import { MycoError, KernelTrap, ERROR_CODES } from "./errors.ts";
import { recordOf, recordObject, SECTIONS, type Section } from "./records.ts";
import {
  SERVICE_STATES, DEPENDENCY_KINDS, SERVICE_TYPES, LIMITS, EVENT_RECORD_BYTES, ACTION_RECORD_BYTES,
  decodeEvent, decodeAction, type State, type DependencyKind, type ServiceType, type Limits, type KernelEvent,
  type Action,
} from "./abi.ts";

export interface KernelOptions {
  hal: Hal;
  profile?: Profile;
  /** A compiled kernel module to run instead of the profile's build/<profile>.wasm (an upgrade's). */
  module?: WebAssembly.Module;
}

export interface Timeouts {
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface RegisterOptions extends Timeouts {
  type?: ServiceType;
  instances?: number;
  tags?: string[];
}

export interface StartOrder {
  /** Service names in start order (stop order is the reverse). */
  order: string[];
  /** The same names grouped in waves: every service of a wave can start together. */
  waves: string[][];
}

export type ServiceRef = number | string;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Kernel {
  /** The module's exports, copied into one object that stays the same across a kernel upgrade
   *  (`adopt` replaces its functions in place, so wrappers that kept it follow). */
  readonly exports: KernelExports;
  readonly profile: Profile;
  /** The imports the module was instantiated with (an upgrade instantiates its successor with them). */
  readonly imports: WebAssembly.Imports;
  readonly limits: Limits;
  private readonly names = new Map<number, string>();
  private nextSeq = 1;
  /** Event records that were overwritten before this host read them (0 when it keeps up). */
  eventsLost = 0;

  constructor(options: KernelOptions) {
    const { hal } = options;
    this.profile = options.profile ?? "release";
    // The loader decodes the kernel's abort strings; calls go to the raw exports, because the
    // loader's wrappers (rest arguments and spread) cost more than the kernel call itself.
    const imports = {
      hal: {
        now_ms: () => hal.nowMs(),
        random_u32: () => hal.randomU32(),
        sleep_ms: (ms: number) => (hal.sleepMs(ms >>> 0) ? 1 : 0),
        abort: (message: number, file: number, line: number, column: number) => {
          throw new KernelTrap(this.readString(message) || "abort", `${this.readString(file)}:${line}:${column}`);
        },
      },
    };
    this.imports = imports;
    const instance = this.instantiate(options.module ?? loadModule(this.profile));
    this.exports = { ...kernelExports(instance) } as KernelExports;
    this.readString = this.pendingReadString;
    // The memory never grows (initial = maximum), so views over it stay valid for good.
    this.ioBytes = this.ioView();
    this.limits = Object.fromEntries(LIMITS.map((name, i) => [name, this.exports.limit(i)])) as Limits;
  }

  private readString: (ptr: number) => string = () => "";

  /** Instantiates `module` with this kernel's imports; `adopt` makes it the running kernel. */
  instantiate(module: WebAssembly.Module): WebAssembly.Instance {
    const loaded = instantiateSync<Record<string, unknown>>(module, this.imports);
    this.pendingReadString = (ptr) => (ptr === 0 ? "" : loaded.exports.__getString(ptr));
    return loaded.instance;
  }

  private pendingReadString: (ptr: number) => string = () => "";

  /** Makes `instance` (made by `instantiate`, its state restored) the running kernel: the same
   *  exports object, I/O view and host-side cursors carry on (host/kernel/snapshot.ts). */
  adopt(instance: WebAssembly.Instance): void {
    Object.assign(this.exports, kernelExports(instance));
    this.readString = this.pendingReadString;
    this.ioBytes = this.ioView();
  }

  private ioView(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), this.exports.ioCapacity());
  }

  /** The I/O buffer's bytes (snapshot chunks travel through it). */
  io(): Uint8Array { return this.ioBytes; }

  /** Reads events from sequence number `seq` on (a kernel restored from another's snapshot). */
  resumeEventsAt(seq: number): void { this.nextSeq = seq >>> 0; }

  // ---- bytes through the I/O buffer ----

  private ioBytes: Uint8Array;

  /** Writes `text` as UTF-8 into the I/O buffer; returns its length in bytes. */
  put(text: string): number {
    const io = this.ioBytes;
    const length = text.length;
    if (length <= 64) {
      // Short ASCII (every valid name) is copied directly: cheaper than a TextEncoder call.
      let i = 0;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) break;
        io[i] = c;
      }
      if (i === length) return length;
    }
    const { written, read } = encoder.encodeInto(text, io);
    if (read !== length) throw new MycoError(ERROR_CODES.E_IO_LENGTH.code, `'${text.slice(0, 40)}...' does not fit the ${io.length}-byte I/O buffer`);
    return written;
  }

  private text(length: number): string { return decoder.decode(this.ioBytes.subarray(0, length)); }

  /** Writes a configuration record (records.ts) to the I/O buffer; returns its byte length. */
  putRecord(record: Int32Array): number {
    new Int32Array(this.exports.memory.buffer, this.exports.ioBuffer(), record.length).set(record);
    return record.length * 4;
  }

  /** Reads `fields` i32s of a record from the I/O buffer. */
  takeRecord(fields: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, this.exports.ioBuffer(), fields).slice();
  }

  /** Applies a section's record to a service in one call (validated whole; nothing changes on error). */
  applyRecord(ref: ServiceRef, section: Section, record: Int32Array): void {
    this.check(this.exports.recordApply(this.id(ref), SECTIONS[section], this.putRecord(record)));
  }

  /** The service's effective record of a section (every default filled in). */
  readRecord(ref: ServiceRef, section: Section): Int32Array {
    return this.takeRecord(this.check(this.exports.recordRead(this.id(ref), SECTIONS[section])) / 4);
  }

  /** Throws the kernel's error (with its detail) when `status` is negative; returns it otherwise. */
  check(status: number): number {
    if (status >= 0) return status;
    throw new MycoError(status, this.text(this.exports.errorDetail()));
  }

  // ---- registry ----

  register(name: string, options: RegisterOptions = {}): number {
    const type = SERVICE_TYPES[options.type ?? "user"];
    const id = this.check(this.exports.serviceRegister(this.put(name), type ?? -1, options.instances ?? 1));
    this.names.set(id, name);
    for (const tag of options.tags ?? []) this.check(this.exports.serviceTagAdd(id, this.put(tag)));
    if (options.startTimeoutMs !== undefined || options.stopTimeoutMs !== undefined) {
      this.setTimeouts(id, options.startTimeoutMs, options.stopTimeoutMs);
    }
    return id;
  }

  unregister(ref: ServiceRef): void {
    const id = this.id(ref);
    this.check(this.exports.serviceUnregister(id));
    this.names.delete(id);
  }

  /** The id of a service, by id (checked) or name. */
  id(ref: ServiceRef): number {
    if (typeof ref === "number") {
      this.check(this.exports.serviceState(ref));
      return ref;
    }
    return this.check(this.exports.serviceLookup(this.put(ref)));
  }

  /**
   * Forget the cached id -> name pairs: a manifest load or rollback adds and removes services
   * inside the kernel, and an id a removed service freed may now name another one.
   */
  forgetNames(): void { this.names.clear(); }

  name(id: number): string {
    const cached = this.names.get(id);
    if (cached !== undefined) return cached;
    const name = this.text(this.check(this.exports.serviceName(id)));
    this.names.set(id, name);
    return name;
  }

  addTag(ref: ServiceRef, tag: string): void { this.check(this.exports.serviceTagAdd(this.id(ref), this.put(tag))); }

  /** The TIMEOUTS record: a timeout left out is the kernel's default (docs/defaults.md), not the one held now. */
  setTimeouts(ref: ServiceRef, startTimeoutMs?: number, stopTimeoutMs?: number): void {
    this.applyRecord(ref, "timeouts", recordOf("timeouts", { startTimeoutMs, stopTimeoutMs }));
  }

  /** The timeouts the kernel holds for the service. */
  timeouts(ref: ServiceRef): Required<Timeouts> { return recordObject("timeouts", this.readRecord(ref, "timeouts")); }

  setInstances(ref: ServiceRef, count: number): void { this.check(this.exports.serviceSetInstances(this.id(ref), count)); }

  state(ref: ServiceRef): State { return SERVICE_STATES[this.check(this.exports.serviceState(this.id(ref)))]; }

  /** Current handles of the service's instances, by ordinal. */
  instances(ref: ServiceRef): number[] {
    const id = this.id(ref);
    const count = this.check(this.exports.serviceInstances(id));
    return Array.from({ length: count }, (_, k) => this.check(this.exports.serviceInstance(id, k)));
  }

  instanceState(handle: number): State { return SERVICE_STATES[this.check(this.exports.instanceState(handle))]; }

  /** Ids of every registered service, ascending. */
  serviceIds(): number[] {
    const ids: number[] = [];
    for (let id = 0; id < this.limits.services; id++) if (this.exports.serviceState(id) >= 0) ids.push(id);
    return ids;
  }

  // ---- dependencies ----

  depend(from: ServiceRef, to: ServiceRef, kind: DependencyKind = "requires"): void {
    const fromId = this.id(from);
    const code = DEPENDENCY_KINDS[kind] ?? -1;
    if (typeof to === "string") this.check(this.exports.dependencyAddByName(fromId, this.put(to), code));
    else this.check(this.exports.dependencyAdd(fromId, to, code));
  }

  removeDependency(from: ServiceRef, to: ServiceRef): void {
    this.check(this.exports.dependencyRemove(this.id(from), this.id(to)));
  }

  /** Start order in waves; throws E_DEPENDENCY_CYCLE with every cycle's path. */
  order(): StartOrder {
    const count = this.check(this.exports.order());
    const pairs = new Uint16Array(this.exports.memory.buffer, this.exports.ioBuffer(), count * 2).slice();
    const order: string[] = [];
    const waves: string[][] = [];
    for (let i = 0; i < count; i++) {
      const name = this.name(pairs[2 * i]);
      order.push(name);
      (waves[pairs[2 * i + 1]] ??= []).push(name);
    }
    return { order, waves };
  }

  // ---- lifecycle commands ----

  start(ref: ServiceRef): void { this.check(this.exports.serviceStart(this.id(ref))); }
  stop(ref: ServiceRef): void { this.check(this.exports.serviceStop(this.id(ref))); }
  restart(ref: ServiceRef): void { this.check(this.exports.serviceRestart(this.id(ref))); }
  enable(ref: ServiceRef): void { this.check(this.exports.serviceEnable(this.id(ref))); }
  disable(ref: ServiceRef): void { this.check(this.exports.serviceDisable(this.id(ref))); }
  startAll(): number { return this.check(this.exports.startAll()); }
  stopAll(): number { return this.check(this.exports.stopAll()); }

  // ---- host events ----

  instanceStarted(handle: number): void { this.check(this.exports.instanceStarted(handle)); }
  /** status >= 0: exit code; status < 0: the signal that ended it, negated. */
  instanceExited(handle: number, status: number): void { this.check(this.exports.instanceExited(handle, status)); }

  // ---- time ----

  tick(): number { return this.check(this.exports.tick()); }
  /** Runs up to `ms` on the HAL clock; returns early with the number of actions waiting. */
  run(ms: number): number { return this.check(this.exports.run(ms)); }
  /** The earliest kernel deadline on the HAL clock, or null. */
  nextDeadline(): number | null {
    const deadline = this.exports.nextDeadline();
    return deadline === 0x7fffffffffffffffn ? null : Number(deadline);
  }

  // ---- outputs ----

  drainActions(): Action[] {
    const actions: Action[] = [];
    for (let n = this.exports.actionsDrain(); n > 0; n = this.exports.actionsDrain()) {
      // a copy: looking up a name while decoding writes the I/O buffer
      const view = new DataView(new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), n * ACTION_RECORD_BYTES).slice().buffer);
      for (let i = 0; i < n; i++) actions.push(decodeAction(view, i * ACTION_RECORD_BYTES, (id) => this.nameOrEmpty(id)));
    }
    return actions;
  }

  /** Event records written since the last call, oldest first (gaps are counted in eventsLost). */
  readEvents(): KernelEvent[] {
    const events: KernelEvent[] = [];
    for (let n = this.exports.eventsRead(this.nextSeq); n > 0; n = this.exports.eventsRead(this.nextSeq)) {
      const view = new DataView(new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), n * EVENT_RECORD_BYTES).slice().buffer);
      for (let i = 0; i < n; i++) {
        const event = decodeEvent(view, i * EVENT_RECORD_BYTES, (id) => this.nameOrEmpty(id));
        this.eventsLost += (event.seq - this.nextSeq) >>> 0;
        this.nextSeq = (event.seq + 1) >>> 0;
        events.push(event);
      }
    }
    return events;
  }

  /** The raw bytes of the records written since the last read (for hashing across hosts). */
  readEventBytes(): Uint8Array {
    const chunks: Uint8Array[] = [];
    for (let n = this.exports.eventsRead(this.nextSeq); n > 0; n = this.exports.eventsRead(this.nextSeq)) {
      const bytes = new Uint8Array(this.exports.memory.buffer, this.exports.ioBuffer(), n * EVENT_RECORD_BYTES).slice();
      chunks.push(bytes);
      this.nextSeq = (new DataView(bytes.buffer).getUint32((n - 1) * EVENT_RECORD_BYTES + 8, true) + 1) >>> 0;
    }
    return Buffer.concat(chunks);
  }

  private nameOrEmpty(id: number): string {
    if (id < 0) return "";
    return this.names.get(id) ?? (this.exports.serviceState(id) >= 0 ? this.name(id) : "");
  }

  // ---- proofs and housekeeping ----

  heapHighWater(): number { return this.exports.heapHighWater(); }
  memoryBytes(): number { return this.exports.memory.buffer.byteLength; }

  /** Back to the state right after init (no allocation inside the kernel). */
  reset(): void {
    this.exports.reset();
    this.names.clear();
    this.nextSeq = 1;
    this.eventsLost = 0;
  }
}
