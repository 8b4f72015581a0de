// What must hold after every step of a simulation, checked from the outside (the event log and
// the public API only), so a kernel bug cannot hide behind its own bookkeeping:
//   1. only legal transitions (the table of assembly/registry/states.ts)
//   2. no service runs while a service it `requires` is not running
//   3. every backoff delay lies within its policy's formula and jitter bounds
//   4. restarts stay within the restart intensity (R in T of supervised time, intensity.ts);
//      an instance restart (restart-instance) counts when it is decided, like a service restart
//   4b. an instance waits out a restart delay only while its service is starting or running,
//      and respawns only then (a stop, a restart or a failure of the service cancels it); a
//      service keeps running with an instance in backoff: that is not a failure
//   5. the event sequence is contiguous (nothing lost), and so is the alerts' own sequence
//   6. the memory size and the allocator's high-water mark never change
import type { Kernel } from "../kernel/kernel.ts";
import { LEGAL_TRANSITIONS, type KernelEvent, type State } from "../kernel/abi.ts";
import { recoveryOf, recoveryPolicyOf, type BackoffPolicy, type RecoveryPolicy } from "../kernel/recovery.ts";
import type { ServiceSpec } from "./scenario.ts";


export class InvariantError extends Error {}

/** The bounds a backoff delay must respect, given its attempt number (1, 2, ...) and the previous
 *  delay; `policy` is what the kernel holds (every field, its defaults filled in). */
export function backoffBounds(policy: Required<BackoffPolicy>, attempt: number, previousMs: number): [number, number] {
  const { baseMs: base, capMs: cap, kind } = policy;
  const factor = Math.round(policy.factor * 100);
  if (policy.jitter === "decorrelated") return [base, Math.min(cap, Math.max(base, previousMs * 3))]; // replaces the kind
  let delay = base;
  if (kind === "linear") delay = Math.min(base * attempt, cap);
  if (kind === "exponential") {
    for (let n = 1; n < attempt && delay < cap; n++) delay = Math.floor((delay * factor) / 100);
    delay = Math.min(delay, cap);
  }
  if (kind === "adaptive") return [0, cap]; // it follows the failure rate: only the cap is a bound
  if (typeof policy.jitter === "number") {
    const spread = Math.floor((delay * policy.jitter) / 100);
    return [delay - spread, Math.min(cap, delay + spread)];
  }
  switch (policy.jitter) {
    case "full": return [0, delay];
    case "equal": return [Math.floor(delay / 2), delay];
    default: return [delay, delay];
  }
}

interface RestartRecord {
  /** Supervised-clock stamps of restarts (the clock stops while the service waits in backoff). */
  stamps: number[];
  waitedMs: number;
  backoffSinceMs: number;
  previousDelayMs: number;
}

export class InvariantChecker {
  private readonly records = new Map<string, RestartRecord>();
  private readonly policies = new Map<string, RecoveryPolicy>();
  private readonly requires: [string, string][] = [];
  /** Every service's state, as the events told it. */
  private readonly states = new Map<string, State>();
  private nextSeq = 1;
  private nextAlertSeq = 1;
  private memoryBytes = -1;
  private highWater = -1;
  restarts = 0;
  backoffs = 0;
  faults = 0;

  constructor(private readonly kernel: Kernel, services: ServiceSpec[]) {
    for (const s of services) {
      for (const d of s.deps) if (d.kind === "requires") this.requires.push([s.name, d.to]);
    }
  }

  /** The recovery the kernel holds for the service (read once, after it was configured): the
   *  bounds come from the kernel's own record, defaults included, never from a copy of them. */
  private policy(name: string): RecoveryPolicy {
    let policy = this.policies.get(name);
    if (!policy) {
      policy = recoveryPolicyOf(this.kernel.readRecord(name, "recovery"), (id) => this.kernel.name(id));
      this.policies.set(name, policy);
    }
    return policy;
  }

  private record(name: string): RestartRecord {
    let r = this.records.get(name);
    if (!r) this.records.set(name, (r = { stamps: [], waitedMs: 0, backoffSinceMs: 0, previousDelayMs: 0 }));
    return r;
  }

  /** The operator reset the service's record (recoveryReset, or a stop of a failed service). */
  forget(name: string): void { this.record(name).stamps = []; }

  /** Every event, in order. Throws on the first violation. */
  onEvent(e: KernelEvent): void {
    if (e.seq !== this.nextSeq) throw new InvariantError(`event sequence jumped from ${this.nextSeq} to ${e.seq}`);
    this.nextSeq = e.seq + 1;
    if (e.kind === "service-state" || e.kind === "instance-state") {
      if (!LEGAL_TRANSITIONS[e.from]?.includes(e.to)) throw new InvariantError(`illegal ${e.kind} ${e.serviceName}: ${e.from} -> ${e.to} (${e.cause})`);
    }
    if (e.kind === "alert") {
      if (e.value !== this.nextAlertSeq) throw new InvariantError(`alert sequence jumped from ${this.nextAlertSeq} to ${e.value}`);
      this.nextAlertSeq++;
    }
    if (e.kind === "fault") this.faults++;
    if (e.kind === "service-state") this.onServiceState(e);
    if (e.kind === "instance-state") this.onInstanceState(e);
    const step = recoveryOf(e);
    if (step?.step === "restart-backoff" || step?.step === "restart-instance") this.onBackoff(e.serviceName, step.detail, step.value);
    if (step?.step === "restart-instance") this.countRestart(e);
    if (step?.step === "group-restart") this.record(e.serviceName).stamps = [];
  }

  private onServiceState(e: KernelEvent): void {
    const r = this.record(e.serviceName);
    this.states.set(e.serviceName, e.to);
    if (e.to === "backoff") r.backoffSinceMs = e.timeMs;
    if (e.from === "backoff") r.waitedMs += e.timeMs - r.backoffSinceMs;
    if (e.from === "failed" && e.to === "stopped" && e.cause === "command") this.forget(e.serviceName);
    if (e.to === "starting" && e.cause === "recovery") this.countRestart(e);
  }

  /** An instance enters its restart delay or respawns from it only while its service is up. */
  private onInstanceState(e: KernelEvent): void {
    const pending = e.to === "backoff" || (e.to === "starting" && e.cause === "recovery");
    const state = this.states.get(e.serviceName);
    if (pending && state !== "running" && state !== "starting") {
      throw new InvariantError(`${e.serviceName}: instance ${e.instance} ${e.from} -> ${e.to} while the service is ${state}`);
    }
  }

  /** A restart at `e`: stamped on the service's supervised clock, within R in T. */
  private countRestart(e: KernelEvent): void {
    const r = this.record(e.serviceName);
    this.restarts++;
    const policy = this.policy(e.serviceName);
    const limit = policy.restartsMax!;
    const windowMs = policy.windowMs!;
    const now = e.timeMs - r.waitedMs;
    r.stamps = r.stamps.filter((t) => now - t < windowMs);
    r.stamps.push(now);
    if (r.stamps.length > limit) {
      throw new InvariantError(`${e.serviceName}: ${r.stamps.length} restarts within ${windowMs} ms of supervised time; the limit is ${limit}`);
    }
  }

  private onBackoff(name: string, attempt: number, delayMs: number): void {
    this.backoffs++;
    const policy = this.policy(name).backoff as Required<BackoffPolicy>;
    const r = this.record(name);
    const previous = attempt === 1 ? policy.baseMs : r.previousDelayMs;
    const [lo, hi] = backoffBounds(policy, Math.min(attempt, 255), previous);
    r.previousDelayMs = delayMs;
    if (attempt >= 255) return; // the attempt byte saturates; only the cap is known
    if (delayMs < lo || delayMs > hi) {
      throw new InvariantError(`${name}: backoff delay ${delayMs} ms (attempt ${attempt}, ${JSON.stringify(policy)}) is outside ${lo}..${hi}`);
    }
  }

  /** After every step: the state-based invariants. */
  checkState(): void {
    const k = this.kernel;
    for (const [dependent, dependency] of this.requires) {
      if (k.state(dependent) === "running" && k.state(dependency) !== "running") {
        throw new InvariantError(`${dependent} is running while ${dependency}, which it requires, is ${k.state(dependency)}`);
      }
    }
    for (const [name, state] of this.states) {
      if (state === "running" || state === "starting") continue;
      const waiting = k.instances(name).find((handle) => k.instanceState(handle) === "backoff");
      if (waiting !== undefined) throw new InvariantError(`${name} is ${state} with instance ${waiting} still waiting to restart`);
    }
    if (k.eventsLost !== 0) throw new InvariantError(`${k.eventsLost} events were overwritten before they were read`);
    const bytes = k.memoryBytes();
    const highWater = k.heapHighWater();
    if (this.memoryBytes < 0) { this.memoryBytes = bytes; this.highWater = highWater; }
    if (bytes !== this.memoryBytes || highWater !== this.highWater) {
      throw new InvariantError(`memory changed: ${this.memoryBytes} -> ${bytes} bytes, high water ${this.highWater} -> ${highWater}`);
    }
  }
}
