// The error-rate verdict of a rollout (`update: error-rate: { threshold, window, min-requests }`):
// the new revision's failed share of the requests its instances finished over the last window,
// from the balancer's per-instance outcome counters (balance/stats.ts: successes, failures).
// Once the window holds min-requests requests and failures / requests >= threshold, the rollout
// is rolled back (control.ts), the verdict logged first (STEP_VERDICT, value: the rate in basis
// points) so the alert's cause comes with its numbers.
//
// Fixed memory, sampled (the hot paths stay as they are):
//
//   per service  a ring of VERDICT_BUCKETS buckets, each window / VERDICT_BUCKETS ms wide
//                (successes u32, failures u32), the newest at epoch `head` (now / width);
//                the window is the ring: a bucket older than it is cleared before reuse
//   per slot     the two counters as last sampled, and the revision its current run runs
//
// A sample (on the rollout's timer, every WATCH_MS while a rollout runs) adds each slot's new
// outcomes to the newest bucket when its current run is on the target revision. A slot spawned
// again is sampled first (its previous run's outcomes stay with that run's revision), so a
// retired old-revision instance draining its last requests never counts as the new revision.
import { clockNow } from "../clock";
import { serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceService } from "../registry/instances";
import { slotAt, SLOT_SUCCESSES, SLOT_FAILURES } from "../balance/tables";
import { ROLLOUT_SERVICES, ROLLOUT_INSTANCES } from "../limits";
import { WITH_ROLLOUT } from "../features";
import { rollout, revisionOf, PHASE_IDLE } from "./tables";

/** Buckets per window: a verdict forgets outcomes at most window / VERDICT_BUCKETS late. */
export const VERDICT_BUCKETS: i32 = 10;

class VerdictTables {
  readonly successes: StaticArray<u32> = new StaticArray<u32>(ROLLOUT_SERVICES * VERDICT_BUCKETS);
  readonly failures: StaticArray<u32> = new StaticArray<u32>(ROLLOUT_SERVICES * VERDICT_BUCKETS);
  /** The epoch (now / bucket width) of the newest bucket. */
  readonly head: StaticArray<i64> = new StaticArray<i64>(ROLLOUT_SERVICES);
  readonly seenSuccesses: StaticArray<u32> = new StaticArray<u32>(ROLLOUT_INSTANCES);
  readonly seenFailures: StaticArray<u32> = new StaticArray<u32>(ROLLOUT_INSTANCES);
  /** The revision the slot's current run runs (0: not spawned since it joined). */
  readonly runRevision: StaticArray<u16> = new StaticArray<u16>(ROLLOUT_INSTANCES);
}

const verdict: VerdictTables = WITH_ROLLOUT ? new VerdictTables() : changetype<VerdictTables>(0);

@inline function bucketMs(service: i32): i64 { return max<i64>(1, <i64>(rollout.errorWindowMs[service] / VERDICT_BUCKETS)); }

/** Moves the ring to now: buckets of epochs past the newest are cleared (all of them after a long quiet). */
function advance(service: i32, now: i64): void {
  const epoch = now / bucketMs(service);
  const head = verdict.head[service];
  if (epoch <= head) return;
  const steps = <i32>min<i64>(epoch - head, <i64>VERDICT_BUCKETS);
  for (let i = 1; i <= steps; i++) {
    const at = service * VERDICT_BUCKETS + <i32>((head + <i64>i) % <i64>VERDICT_BUCKETS);
    verdict.successes[at] = 0;
    verdict.failures[at] = 0;
  }
  verdict.head[service] = epoch;
}

/** Takes the slot's outcomes since its last sample; into the newest bucket when `counted`. */
function take(service: i32, slot: i32, counted: bool): void {
  const record = slotAt(slot);
  const successes = <u32>load<u64>(record, SLOT_SUCCESSES), failures = <u32>load<u64>(record, SLOT_FAILURES);
  const newSuccesses = successes - verdict.seenSuccesses[slot], newFailures = failures - verdict.seenFailures[slot]; // (u32: wraps)
  verdict.seenSuccesses[slot] = successes;
  verdict.seenFailures[slot] = failures;
  if (!counted) return;
  const at = service * VERDICT_BUCKETS + <i32>(verdict.head[service] % <i64>VERDICT_BUCKETS);
  verdict.successes[at] += newSuccesses;
  verdict.failures[at] += newFailures;
}

@inline function counts(service: i32, slot: i32): bool {
  return rollout.phase[service] != PHASE_IDLE && <i32>verdict.runRevision[slot] == <i32>rollout.target[service];
}

/** Samples every instance of the service (the rollout's timer). */
export function verdictSample(service: i32): void {
  advance(service, clockNow());
  const count = <i32>serviceInstanceCount[service];
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(service, k);
    take(service, slot, counts(service, slot));
  }
}

/** The slot is spawned (again): its previous run's outcomes are taken, then it runs the revision the rollout gave it. */
export function verdictOnSpawn(slot: i32): void {
  const service = <i32>instanceService[slot];
  advance(service, clockNow());
  take(service, slot, counts(service, slot));
  verdict.runRevision[slot] = <u16>revisionOf(service, slot);
}

/** A new ordinal joined the service: its balancer counters start at zero (balance/members.ts slotJoin). */
export function verdictSlotJoined(slot: i32): void {
  verdict.seenSuccesses[slot] = 0;
  verdict.seenFailures[slot] = 0;
  verdict.runRevision[slot] = 0;
}

/** An empty window from now (a new target; a new window width): outcomes so far are not the target's. */
export function verdictRestart(service: i32): void {
  memory.fill(changetype<usize>(verdict.successes) + (<usize>(service * VERDICT_BUCKETS) << 2), 0, VERDICT_BUCKETS << 2);
  memory.fill(changetype<usize>(verdict.failures) + (<usize>(service * VERDICT_BUCKETS) << 2), 0, VERDICT_BUCKETS << 2);
  verdict.head[service] = clockNow() / bucketMs(service);
  const count = <i32>serviceInstanceCount[service];
  for (let k = 0; k < count; k++) take(service, instanceSlotOf(service, k), false);
}

function sum(column: StaticArray<u32>, service: i32): u64 {
  let n: u64 = 0;
  for (let b = 0; b < VERDICT_BUCKETS; b++) n += <u64>column[service * VERDICT_BUCKETS + b];
  return n;
}

/** The requests (`failed`: only the failed ones) the new revision finished in the window, as last sampled. */
export function verdictRequests(service: i32, failed: bool): u64 {
  const failures = sum(verdict.failures, service);
  return failed ? failures : failures + sum(verdict.successes, service);
}

/** The new revision's error rate in basis points once it passed the threshold over min-requests or more, else -1. */
export function verdictBreached(service: i32): i32 {
  const failed = sum(verdict.failures, service);
  const requests = failed + sum(verdict.successes, service);
  if (requests == 0 || requests < <u64>rollout.errorMinRequests[service]) return -1;
  if (failed * 100 < <u64>rollout.errorRatePercent[service] * requests) return -1;
  return <i32>(failed * 10_000 / requests);
}
