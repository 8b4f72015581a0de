// How bytes travel through the kernel's I/O buffer, for the exports that use it. The core ABI
// passes only lengths (bytes in: consecutive regions from the buffer's start, in parameter
// order) and returns only a length or count (bytes out, at the buffer's start); the component
// and the C API turn those into real strings, byte lists and record lists.
//
// A new export whose parameter is named `length` or `...Length`, or whose doc comment mentions
// the buffer, records or writing, must be listed here: in BYTES_IN / BYTES_OUT, or in SCALAR
// when it only looks like it (the generators refuse to guess).

export type InputKind = "string" | "bytes";
export interface BytesInParam { length: string; name: string; kind: InputKind }

/** Exports that read input from the I/O buffer: their length parameters, in buffer order. */
export const BYTES_IN: Record<string, BytesInParam[]> = {
  serviceRegister: [{ length: "nameLength", name: "name", kind: "string" }],
  serviceLookup: [{ length: "nameLength", name: "name", kind: "string" }],
  serviceTagAdd: [{ length: "tagLength", name: "tag", kind: "string" }],
  dependencyAddByName: [{ length: "nameLength", name: "name", kind: "string" }],
  discoveryQuery: [{ length: "patternLength", name: "pattern", kind: "string" }],
  discoveryPatternTest: [{ length: "patternLength", name: "pattern", kind: "string" }, { length: "textLength", name: "text", kind: "string" }],
  discoverySubscribe: [{ length: "patternLength", name: "pattern", kind: "string" }],
  tagLookup: [{ length: "nameLength", name: "name", kind: "string" }],
  configInfo: [{ length: "keyLength", name: "key", kind: "string" }],
  configGet: [{ length: "keyLength", name: "key", kind: "string" }],
  configSecretReveal: [{ length: "keyLength", name: "key", kind: "string" }],
  manifestStage: [{ length: "length", name: "chunk", kind: "bytes" }],
  balancePickBytes: [{ length: "length", name: "key", kind: "bytes" }],
  balancePickMany: [{ length: "keysLength", name: "keys", kind: "bytes" }],
  // Configuration records (docs/abi-records.md): i32 fields, little-endian, -1 the kernel's default.
  recordApply: [{ length: "length", name: "record", kind: "bytes" }],
  rolloutApply: [{ length: "length", name: "record", kind: "bytes" }],
  checkAdd: [{ length: "length", name: "record", kind: "bytes" }],
  nodeRegister: [{ length: "nameLength", name: "name", kind: "string" }],
  nodeFind: [{ length: "nameLength", name: "name", kind: "string" }],
  placementLabel: [{ length: "labelLength", name: "label", kind: "string" }],
  principalRegister: [{ length: "nameLength", name: "name", kind: "string" }],
  principalFind: [{ length: "nameLength", name: "name", kind: "string" }],
  placementDirect: [{ length: "nameLength", name: "name", kind: "string" }],
  snapshotRestore: [{ length: "length", name: "chunk", kind: "bytes" }],
  resourceUnit: [{ length: "nameLength", name: "name", kind: "string" }],
  resourceApply: [{ length: "length", name: "record", kind: "bytes" }],
};

/**
 * What an export writes to the I/O buffer; its result is the count of `element`s (bytes for
 * "string"; for "bytes", units of `unitBytes` bytes each), or a negative error code when `fallible`.
 */
export interface BytesOut {
  element: "string" | "bytes" | "u16" | RecordName;
  unitBytes?: number;
  fallible: boolean;
}

export const BYTES_OUT: Record<string, BytesOut> = {
  errorMessageOf: { element: "string", fallible: false },
  errorDetail: { element: "string", fallible: false },
  serviceName: { element: "string", fallible: true },
  order: { element: "order-entry", fallible: true },
  actionsDrain: { element: "action", fallible: false },
  eventsRead: { element: "event", fallible: false },
  discoveryQuery: { element: "u16", fallible: true },
  discoverySubscriptionMembers: { element: "u16", fallible: true },
  discoveryAddresses: { element: "string", fallible: true },
  discoveryDependencies: { element: "dependency-entry", fallible: true },
  configKeyAt: { element: "string", fallible: true },
  configGet: { element: "string", fallible: true },
  configSecretReveal: { element: "string", fallible: true },
  manifestDumpRead: { element: "bytes", fallible: true },
  // Layouts in assembly/balance/stats.ts and health/history.ts: passed on as bytes.
  balanceInstanceStats: { element: "bytes", fallible: true },
  balanceServiceStats: { element: "bytes", fallible: true },
  // i32 handles, one per pick (assembly/balance/abi.ts balancePickMany).
  balancePickMany: { element: "bytes", unitBytes: 4, fallible: true },
  healthHistory: { element: "bytes", unitBytes: 16, fallible: true },
  recordRead: { element: "bytes", fallible: true },
  checkRecord: { element: "bytes", fallible: true },
  snapshotRead: { element: "bytes", fallible: true },
  // assembly/rollout/abi.ts: (u16 revision, u8 outcome, u8 0) per entry.
  rolloutHistory: { element: "bytes", unitBytes: 4, fallible: true },
  rolloutRead: { element: "bytes", fallible: true },
  resourceRead: { element: "bytes", fallible: true },
};

/** Exports that look like they carry bytes but take and return scalars only. */
export const SCALAR = new Set([
  "manifestLoad", // `length` counts bytes staged earlier (manifestStage), not bytes in the buffer
  "recoveryReset", // its doc says "restart record": kernel state, not bytes
]);

/** Exports that only make sense inside the module's address space (the component hides them). */
export const MODULE_ONLY = new Set(["ioBuffer", "snapshotLeftOut"]);

export type FieldType = "u8" | "u16" | "s32" | "u32" | "s64";
export interface RecordField { name: string; type: FieldType; offset: number }
export interface RecordLayout { bytes: number; align: number; doc: string; fields: RecordField[] }
export type RecordName = "action" | "event" | "order-entry" | "dependency-entry";

// The layouts are the kernel's own (assembly/log/outbox.ts, log/events.ts, index.ts `order`,
// discovery/abi.ts `discoveryDependencies`). Each is also exactly the canonical ABI layout of
// the WIT record with these fields in this order, so the component lifts a list of them
// straight out of the I/O buffer.
export const RECORDS: Record<RecordName, RecordLayout> = {
  action: {
    bytes: 16, align: 4, doc: "An action for the host (assembly/log/outbox.ts ACTION_*).",
    fields: [
      { name: "kind", type: "u8", offset: 0 },
      { name: "service", type: "s32", offset: 4 },
      { name: "instance", type: "s32", offset: 8 },
      { name: "arg", type: "s32", offset: 12 },
    ],
  },
  event: {
    bytes: 32, align: 8, doc: "An event-log record (assembly/log/events.ts).",
    fields: [
      { name: "time-ms", type: "s64", offset: 0 },
      { name: "seq", type: "u32", offset: 8 },
      { name: "kind", type: "u8", offset: 12 },
      { name: "from", type: "u8", offset: 13 },
      { name: "to", type: "u8", offset: 14 },
      { name: "cause", type: "u8", offset: 15 },
      { name: "service", type: "s32", offset: 16 },
      { name: "instance", type: "s32", offset: 20 },
      { name: "value", type: "s32", offset: 24 },
      { name: "reserved", type: "u32", offset: 28 },
    ],
  },
  "order-entry": {
    bytes: 4, align: 2, doc: "One service of the start order: its id and its wave.",
    fields: [
      { name: "id", type: "u16", offset: 0 },
      { name: "wave", type: "u16", offset: 2 },
    ],
  },
  "dependency-entry": {
    bytes: 4, align: 2, doc: "One dependency of a service: the service it depends on, kind (1 requires, 2 wants, 3 after), condition.",
    fields: [
      { name: "id", type: "u16", offset: 0 },
      { name: "kind", type: "u8", offset: 2 },
      { name: "condition", type: "u8", offset: 3 },
    ],
  },
};

export const FIELD_BYTES: Record<FieldType, number> = { u8: 1, u16: 2, s32: 4, u32: 4, s64: 8 };

/** Elements of the lifted list per unit the export counts (only "bytes" results count in larger units). */
export function lengthScale(out: BytesOut): number {
  return out.element === "bytes" ? out.unitBytes ?? 1 : 1;
}
