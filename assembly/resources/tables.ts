// One node's resource tables, reserved once at init and only in a profile with the layer
// (features.ts WITH_RESOURCES; a null reference otherwise, never used):
//   node       capacity and held vectors (resources/vector.ts rows; capacity 0: not counted)
//   units      named specialised units (`radio`): capacity, exclusive, how many are held
//   services   the RESOURCES record's columns (record.ts), what each holds, its admission state
//   instances  since when a usage sample is over a limit (usage.ts)
//   reservations  explicit two-phase reservations (reservations.ts)
import {
  RESOURCE_SERVICES, RESOURCE_INSTANCES, RESOURCE_UNITS_MAX, RESERVATIONS_MAX, SERVICES_MAX,
} from "../limits";
import { WITH_RESOURCES } from "../features";
import { NameTable } from "../registry/names";
import { RESOURCES } from "./vector";
import { fillAll } from "../util/fill";

/** A service's admission state. */
export const ADMIT_NONE: u8 = 0;
/** Waiting in the queue for capacity (the lifecycle holds it: lifecycle/inputs.ts serviceHeld). */
export const ADMIT_QUEUED: u8 = 1;
/** Capacity reserved for its start, not yet committed (it has not reached running). */
export const ADMIT_RESERVED: u8 = 2;
/** Committed: its instances run on what it holds. */
export const ADMIT_COMMITTED: u8 = 3;

export const ON_LIMIT_RESTART: u8 = 0;
export const ON_LIMIT_STOP: u8 = 1;
export const ON_LIMIT_ALERT: u8 = 2;

export const ADMISSION_REFUSE: u8 = 0;
export const ADMISSION_QUEUE: u8 = 1;

export const SCALE_NONE: u8 = 0;
export const SCALE_INFLIGHT: u8 = 1;
export const SCALE_LATENCY: u8 = 2;
export const SCALE_CPU: u8 = 3;

export const RESERVATION_FREE: u8 = 0;
export const RESERVATION_PENDING: u8 = 1;
export const RESERVATION_COMMITTED: u8 = 2;

export class ResourceTables {
  readonly capacity: StaticArray<u32> = new StaticArray<u32>(RESOURCES);
  /** What admitted services and reservations hold (u64: a sum of u32 amounts never wraps). */
  readonly held: StaticArray<u64> = new StaticArray<u64>(RESOURCES);

  readonly unitNames: NameTable = new NameTable(RESOURCE_UNITS_MAX, 2 * RESOURCE_UNITS_MAX);
  unitCount: i32 = 0;
  readonly unitCapacity: StaticArray<u16> = new StaticArray<u16>(RESOURCE_UNITS_MAX);
  readonly unitExclusive: StaticArray<bool> = new StaticArray<bool>(RESOURCE_UNITS_MAX);
  readonly unitHeld: StaticArray<u16> = new StaticArray<u16>(RESOURCE_UNITS_MAX);
  /** The service holding an exclusive unit, or -1. */
  readonly unitHolder: StaticArray<i32> = new StaticArray<i32>(RESOURCE_UNITS_MAX);

  // the RESOURCES record (record.ts), per service
  readonly request: StaticArray<u32> = new StaticArray<u32>(RESOURCE_SERVICES * RESOURCES);
  readonly limit: StaticArray<u32> = new StaticArray<u32>(RESOURCE_SERVICES * RESOURCES);
  readonly priority: StaticArray<u16> = new StaticArray<u16>(RESOURCE_SERVICES);
  readonly onLimit: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);
  readonly graceMs: StaticArray<i32> = new StaticArray<i32>(RESOURCE_SERVICES);
  readonly admission: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);
  readonly units: StaticArray<u16> = new StaticArray<u16>(RESOURCE_SERVICES);
  readonly coreMiB: StaticArray<u16> = new StaticArray<u16>(RESOURCE_SERVICES);
  readonly scaleMin: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);
  readonly scaleMax: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);
  readonly scaleMetric: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);
  readonly scaleTarget: StaticArray<i32> = new StaticArray<i32>(RESOURCE_SERVICES);
  readonly scaleWindowMs: StaticArray<i32> = new StaticArray<i32>(RESOURCE_SERVICES);

  // what a service holds: its state, the amounts reserved (kept, so a changed record releases what was taken)
  readonly admit: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);
  readonly holds: StaticArray<u32> = new StaticArray<u32>(RESOURCE_SERVICES * RESOURCES);
  readonly holdsUnits: StaticArray<u16> = new StaticArray<u16>(RESOURCE_SERVICES);
  // the admission queue (queue.ts): a binary heap of the queued services, each one's place in it and its key
  readonly queueAt: StaticArray<u16> = new StaticArray<u16>(RESOURCE_SERVICES);
  readonly queuePlace: StaticArray<u16> = new StaticArray<u16>(RESOURCE_SERVICES);
  readonly queueKey: StaticArray<u64> = new StaticArray<u64>(RESOURCE_SERVICES);
  /** The next enqueue's sequence number (first come among equals). */
  queueSeq: u32 = 0;
  /** Services in the queue: the heap's size. */
  queuedCount: i32 = 0;

  // scaling (scale.ts): the count it wants, since when the metric asked for fewer
  readonly scaleBelowSinceMs: StaticArray<i64> = new StaticArray<i64>(RESOURCE_SERVICES);
  /** The highest count asked for since the metric first asked for fewer (HPA's stabilisation: the window's maximum). */
  readonly scaleBelowPeak: StaticArray<u8> = new StaticArray<u8>(RESOURCE_SERVICES);

  /** Since when an instance's sample is over a limit (-1: not over), on which resource, acted on. */
  readonly overSinceMs: StaticArray<i64> = new StaticArray<i64>(RESOURCE_INSTANCES);
  readonly overResource: StaticArray<u8> = new StaticArray<u8>(RESOURCE_INSTANCES);
  readonly overActed: StaticArray<bool> = new StaticArray<bool>(RESOURCE_INSTANCES);

  readonly reservationState: StaticArray<u8> = new StaticArray<u8>(RESERVATIONS_MAX);
  readonly reservationService: StaticArray<i32> = new StaticArray<i32>(RESERVATIONS_MAX);
  readonly reservationCount: StaticArray<u16> = new StaticArray<u16>(RESERVATIONS_MAX);
  readonly reservationUnits: StaticArray<u16> = new StaticArray<u16>(RESERVATIONS_MAX);
  readonly reservationExpiresMs: StaticArray<i64> = new StaticArray<i64>(RESERVATIONS_MAX);
  /** A reservation id's generation (the id is slot | generation << 8), so a stale id is refused. */
  readonly reservationGeneration: StaticArray<u16> = new StaticArray<u16>(RESERVATIONS_MAX);

  /** Scratch for one record being resolved and validated (record.ts). */
  readonly scratch: StaticArray<i32> = new StaticArray<i32>(32);

  constructor() { this.reset(); }

  reset(): void {
    fillAll(this.capacity, 0);
    fillAll(this.held, 0);
    this.unitNames.clear();
    this.unitCount = 0;
    fillAll(this.unitCapacity, 0);
    fillAll(this.unitExclusive, false);
    fillAll(this.unitHeld, 0);
    fillAll(this.unitHolder, -1);
    for (let s = 0; s < RESOURCE_SERVICES; s++) this.serviceClear(s);
    this.queueSeq = 0;
    this.queuedCount = 0;
    fillAll(this.overSinceMs, -1);
    fillAll(this.overActed, false);
    fillAll(this.reservationState, RESERVATION_FREE);
  }

  /** A fresh service row: what resolve() gives an all-default record, holding nothing. */
  serviceClear(service: i32): void {
    for (let r = 0; r < RESOURCES; r++) {
      this.request[service * RESOURCES + r] = 0;
      this.limit[service * RESOURCES + r] = 0;
      this.holds[service * RESOURCES + r] = 0;
    }
    this.priority[service] = 0;
    this.onLimit[service] = ON_LIMIT_RESTART;
    this.graceMs[service] = 0;
    this.admission[service] = ADMISSION_REFUSE;
    this.units[service] = 0;
    this.coreMiB[service] = 0xFFFF;
    this.scaleMin[service] = 0;
    this.scaleMax[service] = 0;
    this.scaleMetric[service] = SCALE_NONE;
    this.scaleTarget[service] = 0;
    this.scaleWindowMs[service] = 300_000;
    this.admit[service] = ADMIT_NONE;
    this.holdsUnits[service] = 0;
    this.scaleBelowSinceMs[service] = -1;
    this.scaleBelowPeak[service] = 0;
  }
}

/** The tables, allocated only when the profile has the layer (a null reference otherwise, never used). */
export const node: ResourceTables = WITH_RESOURCES ? new ResourceTables() : changetype<ResourceTables>(0);

assert(!WITH_RESOURCES || RESOURCE_SERVICES == SERVICES_MAX, "one resource row per service");
