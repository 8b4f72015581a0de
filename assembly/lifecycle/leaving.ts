// The columns of a running resize and of retiring instances (resize.ts acts on them): what the
// lifecycle's other files and the balancer read. Sized 0 without FEATURE_ROLLOUT (mcu).
import { ROLLOUT_SERVICES, ROLLOUT_INSTANCES } from "../limits";
import { WITH_ROLLOUT } from "../features";
import { serviceInstanceCount } from "../registry/services";
import { fillAll } from "../util/fill";

/** The tables, in one object that exists only with the feature (a zero-length array still costs a header). */
class ResizeTables {
  /** How long a leaving instance may keep finishing its requests before it is stopped anyway. */
  readonly serviceDrainMs: StaticArray<i32> = new StaticArray<i32>(ROLLOUT_SERVICES);
  /** Ordinals at the end of the service leaving it (a shrink in progress): the count once they stopped is count - leaving. */
  readonly serviceLeaving: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  /** Ordinals at the end that joined and wait for their spawn (a grow in progress). */
  readonly serviceJoining: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_SERVICES);
  /** The instance is being retired (draining, then stopped; never recovered): the cause its stop is logged with (CAUSE_SCALE, CAUSE_ROLLOUT), else 0. */
  readonly instanceLeaving: StaticArray<u8> = new StaticArray<u8>(ROLLOUT_INSTANCES);
  /** A rollout judges this instance's failures (it is on a revision under trial): not recovered, and it does not fail the service. */
  readonly instanceOnTrial: StaticArray<bool> = new StaticArray<bool>(ROLLOUT_INSTANCES);
  /** When a draining instance is stopped whether or not its requests finished. */
  readonly instanceDrainUntilMs: StaticArray<i64> = new StaticArray<i64>(ROLLOUT_INSTANCES);
}

export const resize: ResizeTables = WITH_ROLLOUT ? new ResizeTables() : changetype<ResizeTables>(0);

export const DRAIN_MS_DEFAULT: i32 = 5_000;

/** The instances the service should have once the changes in progress complete. */
@inline export function serviceTarget(service: i32): i32 {
  return <i32>serviceInstanceCount[service] - (WITH_ROLLOUT ? <i32>resize.serviceLeaving[service] : 0);
}

/** Its failures are the rollout's to judge (rollout/ writes it), or it is retired: not the lifecycle's. */
@inline export function isOnTrial(slot: i32): bool { return WITH_ROLLOUT && resize.instanceOnTrial[slot]; }

@inline export function isLeaving(slot: i32): bool { return WITH_ROLLOUT && resize.instanceLeaving[slot] != 0; }

/** A new registration: no resize in progress, the default drain time. */
export function resizeClear(service: i32): void {
  if (!WITH_ROLLOUT) return;
  resize.serviceDrainMs[service] = DRAIN_MS_DEFAULT;
  resize.serviceLeaving[service] = 0;
  resize.serviceJoining[service] = 0;
}

export function resizeReset(): void {
  if (!WITH_ROLLOUT) return;
  fillAll(resize.serviceDrainMs, DRAIN_MS_DEFAULT);
  fillAll(resize.serviceLeaving, 0);
  fillAll(resize.serviceJoining, 0);
  fillAll(resize.instanceLeaving, 0);
  fillAll(resize.instanceOnTrial, false);
}

