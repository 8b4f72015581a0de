// Configuration records (docs/abi-records.md): a section's whole configuration as fixed i32
// fields, little-endian, -1 in a field for "the kernel's default". The typed API (Kernel,
// Balancer, HealthMonitor, Recovery) and the manifest compiler (host/manifest/blob.ts) build
// them from the same field lists here, so a manifest section and a typed call give the kernel
// the same bytes. The host knows no defaults: an absent value is always the sentinel.
import { MycoError, ERROR_CODES, type ErrorName } from "./errors.ts";

export const RECORD_DEFAULT = -1;

/** Section codes of recordApply / recordRead; "check" goes through checkAdd / checkRecord. */
export const SECTIONS = { timeouts: 0, balance: 1, breaker: 2, outlier: 3, recovery: 4 } as const;
export type Section = keyof typeof SECTIONS;
/** "resources" goes through resourceApply / resourceRead (assembly/resources/record.ts). */
/** "update" goes through rolloutApply / rolloutRead (assembly/rollout/record.ts). */
export type RecordKind = Section | "check" | "resources" | "update";

/** Field names in layout order (field n at byte 4n). */
export const FIELDS = {
  timeouts: ["startTimeoutMs", "stopTimeoutMs"],
  balance: ["strategy", "choices", "activeBiasPercent", "panicPercent", "decayMs", "defaultCostMs"],
  breaker: [
    "enabled", "windowSize", "minCalls", "failureRatePercent", "consecutiveFailures", "slowCallMs", "slowRatePercent",
    "openMs", "openMaxMs", "halfOpenPermits",
  ],
  outlier: ["enabled", "consecutiveFailures", "baseEjectionMs", "maxEjectionMs", "maxEjectedPercent"],
  recovery: [
    "policy", "restartsMax", "restartWindowMs", "countEveryStart", "successExitsLow", "successExitsHigh", "backoffKind",
    "backoffBaseMs", "backoffCapMs", "backoffFactorPercent", "jitter", "stableMs", "group", "escalation", "scaleMax", "backup",
    "crashLoopFaults", "crashLoopWindowMs", "strategies0", "strategies1", "strategies2", "strategies3", "strategies4",
    "strategies5", "strategies6", "strategies7",
  ],
  check: ["kind", "role", "intervalMs", "timeoutMs", "startPeriodMs", "rise", "fall"],
  resources: [
    "requestCpu", "requestMemory", "requestStorage", "requestScratch", "requestIops", "requestBandwidth", "requestConnections",
    "requestGpu", "requestFds", "requestPids",
    "limitCpu", "limitMemory", "limitStorage", "limitScratch", "limitIops", "limitBandwidth", "limitConnections",
    "limitGpu", "limitFds", "limitPids",
    "priority", "onLimit", "graceMs", "admission", "units", "coreMiB", "scaleMin", "scaleMax", "scaleMetric", "scaleTarget",
    "scaleWindowMs",
  ],
  update: [
    "strategy", "maxSurge", "maxUnavailable", "minReadyMs", "batchIntervalMs", "progressDeadlineMs", "failuresMax",
    "healthGateMs", "rollbackWindowMs", "canaryCount", "canarySharePercent", "canaryHealthyMs", "autoPromote",
    "errorRatePercent", "errorWindowMs", "errorMinRequests",
  ],
} as const;

export type FieldName<K extends RecordKind> = (typeof FIELDS)[K][number];
/** A record's values by field name; an absent (or undefined) field is the kernel's default. */
export type RecordValues<K extends RecordKind> = Partial<Record<FieldName<K>, number | undefined>>;
/** A record as the kernel holds it: every field present. */
export type RecordObject<K extends RecordKind> = Record<FieldName<K>, number>;

export function recordBytes(kind: RecordKind): number { return FIELDS[kind].length * 4; }

/** The record of `values`: every absent field the sentinel. */
export function recordOf<K extends RecordKind>(kind: K, values: RecordValues<K>): Int32Array {
  const names = FIELDS[kind] as readonly FieldName<K>[];
  return Int32Array.from(names, (name) => {
    const value = values[name];
    return value === undefined ? RECORD_DEFAULT : value | 0;
  });
}

/** The values of a record by field name (the sentinel kept as -1). */
export function recordObject<K extends RecordKind>(kind: K, record: Int32Array): RecordObject<K> {
  const names = FIELDS[kind] as readonly FieldName<K>[];
  return Object.fromEntries(names.map((name, i) => [name, record[i]])) as RecordObject<K>;
}

/** The values of a record, the sentinel as undefined (what a decoder gives back). */
export function recordValues<K extends RecordKind>(kind: K, record: Int32Array): RecordValues<K> {
  const names = FIELDS[kind] as readonly FieldName<K>[];
  const values: RecordValues<K> = {};
  names.forEach((name, i) => { if (record[i] !== RECORD_DEFAULT) values[name] = record[i]; });
  return values;
}

/** Little-endian bytes of a record (a manifest section's payload, or the I/O buffer's content). */
export function recordToBytes(record: Int32Array): Uint8Array {
  const bytes = new Uint8Array(record.length * 4);
  const view = new DataView(bytes.buffer);
  record.forEach((value, i) => view.setInt32(i * 4, value, true));
  return bytes;
}

export function recordFromBytes(kind: RecordKind, bytes: Uint8Array, offset = 0): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, recordBytes(kind));
  return Int32Array.from(FIELDS[kind], (_, i) => view.getInt32(i * 4, true));
}

/**
 * The code of `value` among `names` (its index), undefined when it is undefined (the kernel's
 * default); a name the kernel does not know is the kernel's error for that field.
 */
export function codeOf<T extends string>(
  names: readonly T[], value: T | undefined, error: ErrorName, field: string, service: string,
): number | undefined {
  if (value === undefined) return undefined;
  const index = names.indexOf(value);
  if (index >= 0) return index;
  throw new MycoError(ERROR_CODES[error].code, `service '${service}': ${field} '${value}' is not one of ${names.filter(Boolean).join(", ")}`);
}

/**
 * The sparse form of a record (a manifest section's payload): u32 mask (bit n: field n
 * follows), then the fields that are not the sentinel, as i32. The kernel expands it back.
 */
export function recordToSparse(record: Int32Array): Uint8Array {
  const present = [...record.keys()].filter((n) => record[n] !== RECORD_DEFAULT);
  const bytes = new Uint8Array(4 + 4 * present.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, present.reduce((mask, n) => (mask | (1 << n)) >>> 0, 0), true);
  present.forEach((n, i) => view.setInt32(4 + 4 * i, record[n], true));
  return bytes;
}

/** The record of the sparse form at `bytes[offset]`, and how many bytes it took. */
export function recordFromSparse(kind: RecordKind, bytes: Uint8Array, offset = 0): { record: Int32Array; size: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mask = view.getUint32(offset, true);
  let at = offset + 4;
  const record = Int32Array.from(FIELDS[kind], (_, n) => {
    if (!(mask & (1 << n))) return RECORD_DEFAULT;
    const value = view.getInt32(at, true);
    at += 4;
    return value;
  });
  if (FIELDS[kind].length < 32 && mask >>> FIELDS[kind].length) throw new RangeError(`a ${kind} record has no field ${31 - Math.clz32(mask)}`);
  return { record, size: at - offset };
}
