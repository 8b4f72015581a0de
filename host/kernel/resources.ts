// Typed wrapper over one node's resources (assembly/resources/): the node's capacity and units,
// a service's RESOURCES record (requests, limits, priority, on-limit action, admission, scale),
// usage samples, two-phase reservations and the scaling decision. The kernel decides and
// explains; this only encodes. Not in the mcu profile (its exports answer E_RESOURCES_ABSENT).
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { KernelExports } from "./exports.ts";
import type { KernelEvent } from "./abi.ts";
import { RESOURCES, type Resource, type ResourceVector } from "./placement.ts";
import { recordOf, recordObject, recordToBytes, codeOf, type RecordValues, type RecordObject } from "./records.ts";

export const ON_LIMIT_ACTIONS = ["restart", "stop", "alert"] as const;
export type OnLimitAction = (typeof ON_LIMIT_ACTIONS)[number];
export const ADMISSION_MODES = ["refuse", "queue"] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];
export const SCALE_METRICS = ["none", "inflight", "latency", "cpu"] as const;
export type ScaleMetric = (typeof SCALE_METRICS)[number];
export const ADMISSION_STATES = ["none", "queued", "reserved", "committed"] as const;
export type AdmissionState = (typeof ADMISSION_STATES)[number];
export const RESOURCE_EVENTS = ["queued", "admitted", "refused", "over-limit", "reservation-expired", "scale"] as const;
export type ResourceEventKind = (typeof RESOURCE_EVENTS)[number];
/** resources/events.ts UNIT_BASE: an event's `to` at or above it names unit (to - 32). */
const UNIT_BASE = 32;

export interface ScaleSpec {
  min: number;
  max: number;
  metric: Exclude<ScaleMetric, "none">;
  target: number;
  windowMs?: number;
}

/** A service's resources, in the kernel's units (cpu millicores, memory and storage MiB, counts). */
export interface ResourcesConfig {
  requests?: ResourceVector;
  limits?: ResourceVector;
  priority?: number;
  onLimit?: OnLimitAction;
  graceMs?: number;
  admission?: AdmissionMode;
  /** Unit ids (declareUnit); the manifest names them instead. */
  units?: number[];
  coreMiB?: number;
  scale?: ScaleSpec;
}

/** The record of a config: every absent field the kernel's default. */
export function resourcesRecordOf(config: ResourcesConfig, service = "?"): Int32Array {
  const values: RecordValues<"resources"> = {
    priority: config.priority, graceMs: config.graceMs, coreMiB: config.coreMiB,
    onLimit: codeOf(ON_LIMIT_ACTIONS, config.onLimit, "E_INVALID_RESOURCES_RECORD", "on-limit", service),
    admission: codeOf(ADMISSION_MODES, config.admission, "E_INVALID_RESOURCES_RECORD", "admission", service),
    units: config.units?.reduce((mask, unit) => mask | (1 << unit), 0),
  };
  const named = values as Record<string, number | undefined>;
  for (const r of RESOURCES) {
    const title = r[0].toUpperCase() + r.slice(1);
    named[`request${title}`] = config.requests?.[r];
    named[`limit${title}`] = config.limits?.[r];
  }
  if (config.scale) {
    values.scaleMin = config.scale.min;
    values.scaleMax = config.scale.max;
    values.scaleMetric = SCALE_METRICS.indexOf(config.scale.metric);
    values.scaleTarget = config.scale.target;
    values.scaleWindowMs = config.scale.windowMs;
  }
  return recordOf("resources", values);
}

export interface ResourceEvent {
  seq: number;
  timeMs: number;
  service: number;
  serviceName: string;
  instance: number;
  what: ResourceEventKind;
  /** The resource, `unit:<id>`, or null. */
  resource: Resource | `unit:${number}` | null;
  value: number;
}

/** The resource event an EVENT_RESOURCE record carries, or null. */
export function resourceEventOf(event: KernelEvent): ResourceEvent | null {
  if (event.kind !== "resource") return null;
  const to = event.toCode;
  const resource = to === 255 ? null : to >= UNIT_BASE ? (`unit:${to - UNIT_BASE}` as const) : RESOURCES[to];
  return {
    seq: event.seq, timeMs: event.timeMs, service: event.service, serviceName: event.serviceName, instance: event.instance,
    what: RESOURCE_EVENTS[event.fromCode], resource, value: event.value,
  };
}

export class NodeResources {
  private readonly x: KernelExports;
  constructor(private readonly kernel: Kernel) { this.x = kernel.exports; }

  private check(status: number): number { return this.kernel.check(status); }

  /** Sets the node's capacity (only the resources given; 0: not counted). */
  setCapacity(capacity: ResourceVector): void {
    for (const [resource, amount] of Object.entries(capacity)) {
      const index = RESOURCES.indexOf(resource as Resource);
      if (index < 0) throw new TypeError(`node capacity: unknown resource '${resource}' (known: ${RESOURCES.join(", ")})`);
      this.check(this.x.resourceCapacity(index, BigInt(Math.max(0, Math.floor(amount ?? 0)))));
    }
  }

  /** Capacity, held and free of every resource. */
  node(): Record<"capacity" | "held" | "free", Record<Resource, number>> {
    const read = (which: number) => Object.fromEntries(RESOURCES.map((r, i) => [r, Number(this.x.resourceNode(i, which))])) as Record<Resource, number>;
    return { capacity: read(0), held: read(1), free: read(2) };
  }

  /** Declares a unit of the node; returns its id. */
  declareUnit(name: string, capacity: number, exclusive = false): number {
    return this.check(this.x.resourceUnit(this.kernel.put(name), capacity, exclusive ? 1 : 0));
  }

  unit(id: number): { capacity: number; held: number; exclusive: boolean; holder: number } {
    return {
      capacity: this.check(this.x.resourceUnitField(id, 0)), held: this.check(this.x.resourceUnitField(id, 1)),
      exclusive: this.check(this.x.resourceUnitField(id, 2)) === 1, holder: this.x.resourceUnitField(id, 3),
    };
  }

  configure(ref: ServiceRef, config: ResourcesConfig): void {
    const id = this.kernel.id(ref);
    const bytes = recordToBytes(resourcesRecordOf(config, this.kernel.name(id)));
    new Uint8Array(this.x.memory.buffer, this.x.ioBuffer(), bytes.length).set(bytes);
    this.check(this.x.resourceApply(id, bytes.length));
  }

  /** The service's effective record. */
  read(ref: ServiceRef): RecordObject<"resources"> {
    const length = this.check(this.x.resourceRead(this.kernel.id(ref)));
    return recordObject("resources", new Int32Array(this.x.memory.buffer.slice(this.x.ioBuffer(), this.x.ioBuffer() + length)));
  }

  /** A usage sample; true when it took the service's over-limit action. */
  report(instance: number, resource: Resource, value: number): boolean {
    return this.check(this.x.usageReport(instance, RESOURCES.indexOf(resource), BigInt(Math.max(0, Math.round(value))))) === 1;
  }

  admission(ref: ServiceRef): { state: AdmissionState; position: number } {
    const id = this.kernel.id(ref);
    return { state: ADMISSION_STATES[this.check(this.x.resourceAdmission(id, 0))], position: this.x.resourceAdmission(id, 1) };
  }

  queued(): number { return this.check(this.x.resourceQueued()); }

  reserve(ref: ServiceRef, count: number, ttlMs: number): number {
    return this.check(this.x.resourceReserve(this.kernel.id(ref), count, ttlMs));
  }
  commit(reservation: number): void { this.check(this.x.resourceCommit(reservation)); }
  release(reservation: number): void { this.check(this.x.resourceRelease(reservation)); }

  /** The instance count the service should have for this metric value (per instance). */
  scale(ref: ServiceRef, value: number): number {
    return this.check(this.x.scaleReport(this.kernel.id(ref), Math.max(0, Math.round(value))));
  }
}
