// What the conformance replay needs from a kernel, whichever host runs it: the Node loader
// (targets/node/loader-port.ts) or the jco component (targets/wasi/host/component-port.ts).
// The C host has its own twin of the replay (targets/firmware/src/replay.c).

export interface Action { kind: number; service: number; instance: number; arg: number }

export interface KernelPort {
  serviceRegister(name: string, type: number, instances: number): number;
  /** A configuration record (docs/abi-records.md): section 0 is TIMEOUTS (i32 start, i32 stop). */
  recordApply(service: number, section: number, record: Uint8Array): number;
  dependencyAdd(from: number, to: number, kind: number): number;
  startAll(): number;
  stopAll(): number;
  serviceStart(id: number): number;
  serviceStop(id: number): number;
  serviceRestart(id: number): number;
  serviceInstance(id: number, ordinal: number): number;
  instanceStarted(handle: number): number;
  instanceExited(handle: number, status: number): number;
  tick(): number;
  run(ms: number): number;
  /** The actions waiting in the outbox (empty when none). */
  actionsDrain(): Action[];
  /** Event records from `fromSeq` on, each the kernel's 32 bytes. */
  eventsRead(fromSeq: number): Uint8Array[];
}

/** The clock the replay moves (ADVANCE) and the kernel sleeps on, in every TypeScript host. */
export interface VirtualClock { nowMs: bigint }
