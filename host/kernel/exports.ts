// The raw exports of the kernel module (assembly/index.ts), as the host calls them.

export interface KernelExports {
  memory: WebAssembly.Memory;
  ioBuffer(): number;
  ioCapacity(): number;
  errorMessageOf(code: number): number;
  errorDetail(): number;
  lastError(): number;
  limit(which: number): number;
  profile(): number;
  serviceRegister(nameLength: number, type: number, instances: number): number;
  serviceUnregister(id: number): number;
  serviceLookup(nameLength: number): number;
  serviceName(id: number): number;
  serviceTagAdd(id: number, tagLength: number): number;
  serviceTagMask(id: number): bigint;
  serviceSetInstances(id: number, count: number): number;
  serviceState(id: number): number;
  serviceType(id: number): number;
  serviceInstances(id: number): number;
  serviceCount(): number;
  serviceInstance(id: number, ordinal: number): number;
  instanceState(handle: number): number;
  dependencyAdd(from: number, to: number, kind: number): number;
  dependencyAddByName(from: number, nameLength: number, kind: number): number;
  dependencyRemove(from: number, to: number): number;
  order(): number;
  orderWaveCount(): number;
  serviceStart(id: number): number;
  serviceStop(id: number): number;
  serviceRestart(id: number): number;
  serviceEnable(id: number): number;
  serviceDisable(id: number): number;
  startAll(): number;
  stopAll(): number;
  instanceStarted(handle: number): number;
  instanceExited(handle: number, status: number): number;
  tick(): number;
  run(ms: number): number;
  nextDeadline(): bigint;
  actionsDrain(): number;
  actionsPending(): number;
  eventsRead(fromSeq: number): number;
  eventsNextSeq(): number;
  eventsOverwritten(): number;
  counter(which: number): number;
  heapHighWater(): number;
  memoryPages(): number;
  reset(): void;
  noop(): void;
}

// ---- load balancing (assembly/balance/abi.ts) ----

export interface BalanceExports {
  balanceSetWeight(handle: number, weight: number): number;
  balanceSetEnabled(handle: number, enabled: number): number;
  balanceSetDraining(handle: number, draining: number): number;
  instanceSetHealth(handle: number, health: number): number;
  breakerIsolate(handle: number): number;
  breakerRelease(handle: number): number;
  breakerReset(handle: number): number;
  balancePick(service: number): number;
  balancePickKey(service: number, key: number): number;
  balancePickBytes(service: number, length: number): number;
  balancePickBatch(service: number, count: number, keyBase: number): number;
  balanceRequestStarted(handle: number): number;
  balanceRequestFinished(handle: number, latencyMs: number, outcome: number): number;
  balanceInstanceStats(handle: number): number;
  balanceServiceStats(service: number): number;
}

// ---- health monitoring (assembly/health/abi.ts) ----

export interface HealthExports {
  checkAdd(service: number, length: number): number;
  checkRecord(check: number): number;
  checkRemove(check: number): number;
  checkReport(check: number, handle: number, outcome: number, latencyMs: number): number;
  healthOfService(service: number): number;
  healthOfInstance(handle: number): number;
  healthHistory(service: number): number;
  healthAvailability(service: number): number;
  healthSetWindow(service: number, windowMs: number): number;
  healthSetFlapping(service: number, transitions: number, windowMs: number): number;
  watchdogSet(service: number, periodMs: number): number;
  watchdogPing(handle: number): number;
  dependencyCondition(from: number, to: number, condition: number): number;
  healthCounter(which: number): number;
}

// ---- fault recovery (assembly/recovery/abi.ts) ----

export interface RecoveryExports {
  recoveryReset(service: number): number;
  recoveryInfo(service: number, which: number): number;
}

// ---- configuration records (assembly/records/abi.ts) ----

export interface RecordExports {
  recordApply(service: number, section: number, length: number): number;
  recordRead(service: number, section: number): number;
}

// Merged into KernelExports: the kernel module exports them all.
export interface KernelExports extends BalanceExports, HealthExports, RecordExports {}
