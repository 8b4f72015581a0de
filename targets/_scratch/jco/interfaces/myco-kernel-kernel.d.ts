/** @module Interface myco:kernel/kernel@0.1.0 **/
export function ioCapacity(): number;
export function errorMessageOf(code: number): string;
export function errorDetail(): string;
export function lastError(): number;
export function limit(which: number): number;
export function profile(): number;
export function serviceRegister(name: string, type: number, instances: number): number;
export function serviceUnregister(id: number): number;
export function serviceLookup(name: string): number;
export function serviceName(id: number): string;
export function serviceTagAdd(id: number, tag: string): number;
export function serviceTagMask(id: number): bigint;
export function serviceSetTimeouts(id: number, startTimeoutMs: number, stopTimeoutMs: number): number;
export function serviceSetInstances(id: number, count: number): number;
export function serviceState(id: number): number;
export function serviceType(id: number): number;
export function serviceInstances(id: number): number;
export function serviceCount(): number;
export function serviceInstance(id: number, ordinal: number): number;
export function instanceState(handle: number): number;
export function dependencyAdd(from: number, to: number, kind: number): number;
export function dependencyAddByName(from: number, name: string, kind: number): number;
export function dependencyRemove(from: number, to: number): number;
export function order(): Array<OrderEntry>;
export function orderWaveCount(): number;
export function serviceStart(id: number): number;
export function serviceStop(id: number): number;
export function serviceRestart(id: number): number;
export function serviceEnable(id: number): number;
export function serviceDisable(id: number): number;
export function startAll(): number;
export function stopAll(): number;
export function instanceStarted(handle: number): number;
export function instanceExited(handle: number, status: number): number;
export function tick(): number;
export function run(ms: number): number;
export function nextDeadline(): bigint;
export function actionsDrain(): Array<Action>;
export function actionsPending(): number;
export function eventsRead(fromSeq: number): Array<Event>;
export function eventsNextSeq(): number;
export function eventsOverwritten(): number;
export function counter(which: number): number;
export function heapHighWater(): number;
export function memoryPages(): number;
export function reset(): void;
export function noop(): void;
export interface OrderEntry {
  id: number,
  wave: number,
}
export interface Action {
  kind: number,
  service: number,
  instance: number,
  arg: number,
}
export interface Event {
  timeMs: bigint,
  seq: number,
  kind: number,
  from: number,
  to: number,
  cause: number,
  service: number,
  instance: number,
  value: number,
  reserved: number,
}
