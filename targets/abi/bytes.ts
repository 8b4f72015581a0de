// How bytes travel through the kernel's I/O buffer, for the exports that use it. The core ABI
// passes only a length (bytes in) or returns only a length or record count (bytes out); the
// component and the C API turn those into real strings and record lists. A new export whose
// parameter is named `...Length`, or whose doc comment mentions the buffer, must be listed here
// (the generators refuse to guess).

/** Exports that read their input from the I/O buffer: which parameter is the byte length. */
export const BYTES_IN: Record<string, { length: string; name: string }> = {
  serviceRegister: { length: "nameLength", name: "name" },
  serviceLookup: { length: "nameLength", name: "name" },
  serviceTagAdd: { length: "tagLength", name: "tag" },
  dependencyAddByName: { length: "nameLength", name: "name" },
};

export interface BytesOut {
  /** A UTF-8 string of `result` bytes, or `result` records of a layout in RECORDS. */
  kind: "string" | "records";
  record?: RecordName;
  /** The result may be a negative error code instead of a length or count. */
  fallible: boolean;
}

/** Exports that write their output to the I/O buffer and return its length or record count. */
export const BYTES_OUT: Record<string, BytesOut> = {
  errorMessageOf: { kind: "string", fallible: false },
  errorDetail: { kind: "string", fallible: false },
  serviceName: { kind: "string", fallible: true },
  order: { kind: "records", record: "order-entry", fallible: true },
  actionsDrain: { kind: "records", record: "action", fallible: false },
  eventsRead: { kind: "records", record: "event", fallible: false },
};

/** Exports that only make sense inside the module's address space (the component hides them). */
export const MODULE_ONLY = new Set(["ioBuffer"]);

export type FieldType = "u8" | "u16" | "s32" | "u32" | "s64";
export interface RecordField { name: string; type: FieldType; offset: number }
export interface RecordLayout { bytes: number; align: number; doc: string; fields: RecordField[] }
export type RecordName = "action" | "event" | "order-entry";

// The layouts are the kernel's own (assembly/log/outbox.ts, log/events.ts, index.ts `order`).
// Each is also exactly the canonical ABI layout of the WIT record with these fields in this
// order, so the component lifts a list of them straight out of the I/O buffer.
export const RECORDS: Record<RecordName, RecordLayout> = {
  action: {
    bytes: 16, align: 4, doc: "An action for the host (assembly/log/outbox.ts): kind 1 spawn, 2 stop, 3 kill.",
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
};

export const FIELD_BYTES: Record<FieldType, number> = { u8: 1, u16: 2, s32: 4, u32: 4, s64: 8 };
