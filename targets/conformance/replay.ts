// The conformance replay: runs the compiled scenario against a kernel with a virtual clock and a
// simulated host that answers the kernel's actions, and hashes every event record in order.
// targets/firmware/src/replay.c is its C twin, step for step: change both or neither.
//
// The simulated host: a spawn is answered with `started` after the service's start delay plus
// seeded jitter (never, for a hung instance); a stop with `exited 0` after its stop delay; a kill
// cancels what the instance had pending and is answered with `exited -9` one millisecond later;
// other actions need no answer.
// Time moves only when the kernel sleeps (inside `run`) or when the scenario advances it.
import type { KernelPort, VirtualClock } from "./port.ts";
import type { Scenario, ScenarioOp } from "./scenario.ts";
import { Fnv1a64, Xorshift32, SIMULATION_SEED_MIX } from "./determinism.ts";

export const ACTION_SPAWN = 1;
export const ACTION_STOP = 2;
export const ACTION_KILL = 3;
const EVENT_RECORD_BYTES = 32;
/** Answers to a dead or reused instance handle are expected races, as on a real host. */
const E_UNKNOWN_INSTANCE = -7;
const E_STALE_INSTANCE = -8;
/** Host answers waiting at once: the C twin's fixed queue has this many slots. */
export const PENDING_MAX = 128;

export interface ReplayResult { events: number; hash: string; ops: number }

interface Pending { atMs: bigint; order: number; handle: number; started: boolean; status: number }

export class ReplayError extends Error {}

export function replay(kernel: KernelPort, clock: VirtualClock, scenario: Scenario): ReplayResult {
  const random = new Xorshift32((scenario.seed ^ SIMULATION_SEED_MIX) >>> 0);
  const hash = new Fnv1a64();
  const ids = scenario.services.map(() => -1);
  const hung = new Set<string>();
  let pending: Pending[] = [];
  let order = 0;
  let nextSeq = 1;
  let events = 0;

  const check = (result: number, op: ScenarioOp, what: string, expect: number | null = op.expect): number => {
    const ok = expect === null ? result >= 0 : result === expect;
    if (!ok) throw new ReplayError(`${op.op} ${what}: kernel returned ${result}, expected ${expect ?? ">= 0"}`);
    return result;
  };
  const serviceIndex = (id: number): number => {
    const index = ids.indexOf(id);
    if (index < 0) throw new ReplayError(`action for unknown service id ${id}`);
    return index;
  };
  const schedule = (delayMs: number, handle: number, started: boolean, status: number): void => {
    if (pending.length >= PENDING_MAX) throw new ReplayError(`more than ${PENDING_MAX} host answers pending`);
    pending.push({ atMs: clock.nowMs + BigInt(delayMs), order: order++, handle, started, status });
  };
  const cancel = (handle: number): void => { pending = pending.filter((p) => p.handle !== handle); };

  const collectEvents = (): void => {
    for (let records = kernel.eventsRead(nextSeq); records.length > 0; records = kernel.eventsRead(nextSeq)) {
      for (const record of records) {
        const seq = new DataView(record.buffer, record.byteOffset, EVENT_RECORD_BYTES).getUint32(8, true);
        if (seq !== nextSeq) throw new ReplayError(`event log gap: expected seq ${nextSeq}, read ${seq}`);
        hash.update(record);
        events++;
        nextSeq++;
      }
    }
  };
  const handleActions = (): void => {
    for (let actions = kernel.actionsDrain(); actions.length > 0; actions = kernel.actionsDrain()) {
      for (const action of actions) {
        const spec = scenario.services[serviceIndex(action.service)];
        if (action.kind === ACTION_SPAWN) {
          if (hung.has(`${action.service}/${action.arg}`)) continue;
          const jitter = spec.startJitterMs > 0 ? random.next() % (spec.startJitterMs + 1) : 0;
          schedule(spec.startDelayMs + jitter, action.instance, true, 0);
        } else if (action.kind === ACTION_STOP) {
          schedule(spec.stopDelayMs, action.instance, false, 0);
        } else if (action.kind === ACTION_KILL) {
          cancel(action.instance);
          schedule(1, action.instance, false, -9);
        }
        // Other kinds (checks, reboot requests, config notices) need no answer in this scenario.
      }
    }
  };
  const settle = (): void => { handleActions(); collectEvents(); };

  const earliest = (): Pending | undefined => pending.reduce<Pending | undefined>(
    (best, p) => (!best || p.atMs < best.atMs || (p.atMs === best.atMs && p.order < best.order) ? p : best), undefined);
  const deliver = (answer: Pending): void => {
    pending = pending.filter((p) => p !== answer);
    const result = answer.started ? kernel.instanceStarted(answer.handle) : kernel.instanceExited(answer.handle, answer.status);
    if (result < 0 && result !== E_STALE_INSTANCE && result !== E_UNKNOWN_INSTANCE) {
      throw new ReplayError(`${answer.started ? "instanceStarted" : "instanceExited"}(${answer.handle}) returned ${result}`);
    }
  };
  const runFor = (op: ScenarioOp): void => {
    const endMs = clock.nowMs + BigInt(op.value);
    for (;;) {
      settle();
      const next = earliest();
      if (next && next.atMs <= clock.nowMs) { deliver(next); continue; }
      if (clock.nowMs >= endMs) return;
      const targetMs = next && next.atMs < endMs ? next.atMs : endMs;
      const before = clock.nowMs;
      const result = check(kernel.run(Number(targetMs - clock.nowMs)), op, "run");
      if (result === 0 && clock.nowMs === before) throw new ReplayError("run returned without time passing");
    }
  };

  for (const op of scenario.ops) {
    const id = op.service >= 0 ? ids[op.service] : -1;
    switch (op.op) {
      case "register": {
        const spec = scenario.services[op.service];
        ids[op.service] = check(kernel.serviceRegister(spec.name, spec.type, spec.instances), op, spec.name);
        const timeouts = new Uint8Array(Int32Array.of(spec.startTimeoutMs, spec.stopTimeoutMs).buffer); // the TIMEOUTS record (little-endian hosts)
        check(kernel.recordApply(ids[op.service], 0, timeouts), op, `${spec.name} timeouts`, null);
        break;
      }
      case "registerName": check(kernel.serviceRegister(op.name, 0, 1), op, JSON.stringify(op.name)); break;
      case "depend": check(kernel.dependencyAdd(id, ids[op.target], op.value), op, `${op.service} -> ${op.target}`); break;
      case "hang": hung.add(`${id}/${op.value}`); break;
      case "startAll": check(kernel.startAll(), op, ""); break;
      case "stopAll": check(kernel.stopAll(), op, ""); break;
      case "start": check(kernel.serviceStart(id), op, `${id}`); break;
      case "stop": check(kernel.serviceStop(id), op, `${id}`); break;
      case "restart": check(kernel.serviceRestart(id), op, `${id}`); break;
      case "run": runFor(op); break;
      case "exit": {
        const handle = check(kernel.serviceInstance(id, op.value), op, "instance", null);
        cancel(handle);
        check(kernel.instanceExited(handle, op.value2), op, `${handle}`);
        break;
      }
      case "advance": clock.nowMs += BigInt(op.value); break;
      case "tick": check(kernel.tick(), op, ""); break;
    }
    settle();
  }
  return { events, hash: hash.hex(), ops: scenario.ops.length };
}
