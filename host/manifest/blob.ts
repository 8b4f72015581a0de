// The manifest blob (docs/manifest-format.md): encode a normalized manifest, decode a blob (a
// compiled one or a kernel dump) back to one. The kernel's loader (assembly/manifest/) is the
// other reader of this format; the two are kept in step by the round-trip tests.
import type {
  Manifest, Service, ConfigKey, ConfigType, Dependency, HealthSpec, RecoverySpec, BalanceSpec, ResourcesSpec, RunAs,
} from "./types.ts";
import { CONFIG_TYPES, REDACTED } from "./types.ts";
import { resourcesSpecRecord, resourcesSpecOf } from "./resources.ts";
import { updateRecordOf, updateConfigOf } from "../kernel/rollout.ts";
import { compatPayloadOf, compatFromPayload } from "./compat.ts";
import { recordOf, recordToBytes, recordFromBytes, recordToSparse, recordFromSparse, recordValues, type RecordKind } from "../kernel/records.ts";
import { checkRecordOf, checkOptionsOf } from "../kernel/health.ts";
import { recoveryRecordOf, recoveryPolicyOf } from "../kernel/recovery.ts";
import { writePlacement, readPlacementRecord } from "./placement.ts";
import { balanceRecordOf, balanceConfigOf, breakerRecordOf, outlierRecordOf, settingsOf } from "../kernel/balance.ts";

export const MAGIC = "MYCM";
/** 2: the layer sections and TIMEOUTS carry the kernel's configuration records (host/kernel/records.ts). */
export const FORMAT_VERSION = 2;
export const HEADER_BYTES = 24;

export const TAG = {
  service: 0x01, instances: 0x02, timeouts: 0x03, tag: 0x04, dependency: 0x05, config: 0x06, address: 0x07,
  health: 0x80, recovery: 0x81, balance: 0x82, resources: 0x83, placement: 0x84, units: 0x85, update: 0x87, identity: 0x88, compat: 0x89, runDigest: 0x8a,
} as const;

export const FLAG = { required: 1, secret: 2, hot: 4, hasValue: 8, redacted: 16 } as const;

const KINDS = ["", "requires", "wants", "after"] as const;
const CONDITIONS = ["started", "healthy"] as const;
/** A manifest check and the kernel's check kind (host/kernel/health.ts CHECK_KINDS). */
const CHECK_KIND_OF = { exec: "command", http: "http", tcp: "tcp" } as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---- CRC-32 (IEEE), as the kernel computes it ----

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskSecret(bytes: Uint8Array): Uint8Array {
  return bytes.map((b, i) => b ^ ((0x5a + i * 31) & 0xff));
}

/** Recomputes the total length and checksum fields of a blob in place (for tests and tools). */
export function seal(blob: Uint8Array): Uint8Array {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  view.setUint32(8, blob.length, true);
  view.setUint32(12, crc32(blob.subarray(16)), true);
  return blob;
}

// ---- writing ----

class Writer {
  private bytes = new Uint8Array(1024);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  u8(v: number): this { this.ensure(1); this.bytes[this.length++] = v & 0xff; return this; }
  u16(v: number): this { this.ensure(2); new DataView(this.bytes.buffer).setUint16(this.length, v, true); this.length += 2; return this; }
  u32(v: number): this { this.ensure(4); new DataView(this.bytes.buffer).setUint32(this.length, v >>> 0, true); this.length += 4; return this; }
  i64(v: number | bigint): this {
    this.ensure(8); new DataView(this.bytes.buffer).setBigInt64(this.length, BigInt(v), true); this.length += 8; return this;
  }
  raw(b: Uint8Array): this { this.ensure(b.length); this.bytes.set(b, this.length); this.length += b.length; return this; }
  short(b: Uint8Array, what: string): this {
    if (b.length > 255) throw new RangeError(`${what} is ${b.length} bytes; the limit is 255`);
    return this.u8(b.length).raw(b);
  }
  record(tag: number, body: (w: Writer) => void): this {
    const inner = new Writer();
    body(inner);
    if (inner.length > 0xffff) throw new RangeError(`record ${tag} is ${inner.length} bytes; the limit is 65535`);
    return this.u8(tag).u16(inner.length).raw(inner.done());
  }
  done(): Uint8Array { return this.bytes.slice(0, this.length); }
}

function configValueBytes(key: ConfigKey): Uint8Array {
  if (key.value === undefined) return new Uint8Array(0);
  if (key.type === "bool") return Uint8Array.of(key.value ? 1 : 0);
  if (key.type === "int" || key.type === "duration" || key.type === "size") {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(key.value as number), true);
    return b;
  }
  const text = encoder.encode(String(key.value));
  return key.secret ? maskSecret(text) : text;
}

function writeConfig(w: Writer, key: ConfigKey): void {
  const flags = (key.required ? FLAG.required : 0) | (key.secret ? FLAG.secret : 0) | (key.hot ? FLAG.hot : 0)
    | (key.value !== undefined ? FLAG.hasValue : 0);
  w.u8(CONFIG_TYPES.indexOf(key.type) + 1).u8(flags).short(encoder.encode(key.key), `config key '${key.key}'`);
  w.i64(key.min).i64(key.max);
  w.short(encoder.encode(key.choices.join("|")), `choices of '${key.key}'`);
  w.short(encoder.encode(key.pattern), `pattern of '${key.key}'`);
  w.short(configValueBytes(key), `value of '${key.key}'`);
}

function writeService(w: Writer, service: Service, indexOf: Map<string, number>): void {
  w.record(TAG.service, (r) => r.u8(service.type === "system" ? 0 : 1).raw(encoder.encode(service.name)));
  w.record(TAG.instances, (r) => r.u16(service.instances));
  if (service.startTimeoutMs !== undefined || service.stopTimeoutMs !== undefined) {
    const timeouts = recordOf("timeouts", { startTimeoutMs: service.startTimeoutMs, stopTimeoutMs: service.stopTimeoutMs });
    w.record(TAG.timeouts, (r) => r.raw(recordToBytes(timeouts)));
  }
  for (const tag of service.tags) w.record(TAG.tag, (r) => r.raw(encoder.encode(tag)));
  for (const dep of service.dependencies) {
    const index = indexOf.get(dep.name);
    if (index === undefined) throw new Error(`service '${service.name}' depends on '${dep.name}', which is not in the manifest`);
    w.record(TAG.dependency, (r) => r.u16(index).u8(KINDS.indexOf(dep.kind)).u8(CONDITIONS.indexOf(dep.condition)));
  }
  for (const key of service.config) w.record(TAG.config, (r) => writeConfig(r, key));
  for (const { ordinal, address } of service.addresses) w.record(TAG.address, (r) => r.u16(ordinal).raw(encoder.encode(address)));
  if (service.health) writeHealth(w, service.health);
  if (service.recovery) writeRecovery(w, service.name, service.recovery, indexOf);
  if (service.balance) writeBalance(w, service.balance);
  if (service.resources) writeResources(w, service.name, service.resources);
  if (service.placement) { const placement = service.placement; w.record(TAG.placement, (r) => writePlacement(r, placement)); }
  if (service.update) { const record = updateRecordOf(service.update, service.name); w.record(TAG.update, (r) => r.raw(recordToSparse(record))); }
  const compat = compatPayloadOf(service, indexOf);
  if (compat) w.record(TAG.compat, (r) => r.raw(compat));
  if (service.runAs) { const flags = identityFlags(service.runAs); w.record(TAG.identity, (r) => r.u8(flags)); }
  if (service.runDigest !== undefined) { const digest = service.runDigest; w.record(TAG.runDigest, (r) => r.u32(digest)); }
}

/** The IDENTITY byte (assembly/security/root-rule.ts): spawned 1, user declared 2, user root 4, allow-root 8. */
function identityFlags(runAs: RunAs): number {
  return 1 | (runAs.user !== "host" ? 2 : 0) | (runAs.user === "root" ? 4 : 0) | (runAs.allowRoot ? 8 : 0);
}

function runAsOf(flags: number): RunAs {
  return { user: (flags & 2) === 0 ? "host" : (flags & 4) !== 0 ? "root" : "other", allowRoot: (flags & 8) !== 0 };
}

function writeHealth(w: Writer, h: HealthSpec): void {
  const record = checkRecordOf({
    kind: CHECK_KIND_OF[h.check], role: h.role, intervalMs: h.intervalMs, timeoutMs: h.timeoutMs, startPeriodMs: h.startPeriodMs,
    rise: h.rise, fall: h.retries,
  });
  w.record(TAG.health, (r) => r.raw(recordToSparse(record)).raw(encoder.encode(h.target)));
}

function writeRecovery(w: Writer, service: string, v: RecoverySpec, indexOf: Map<string, number>): void {
  const record = recoveryRecordOf(v, service, (ref) => {
    const index = indexOf.get(String(ref));
    if (index === undefined) throw new Error(`service '${service}': backup '${ref}' is not in the manifest`);
    return index;
  });
  w.record(TAG.recovery, (r) => r.raw(recordToSparse(record)));
}

function writeBalance(w: Writer, b: BalanceSpec): void {
  const { breaker, outlier, weights, ...config } = b;
  w.record(TAG.balance, (r) => {
    r.raw(recordToSparse(balanceRecordOf(config))).raw(recordToSparse(breakerRecordOf(breaker ?? {}, breaker ? true : undefined)))
      .raw(recordToSparse(outlierRecordOf(outlier ?? {}, outlier ? true : undefined))).u16(weights.length);
    for (const weight of weights) r.u16(weight);
  });
}

function writeResources(w: Writer, service: string, v: ResourcesSpec): void {
  w.record(TAG.resources, (r) => r.raw(recordToSparse(resourcesSpecRecord(v, service))));
  if (v.units.length === 0) return;
  w.record(TAG.units, (r) => {
    r.u8(v.units.length);
    for (const unit of v.units) { const bytes = encoder.encode(unit); r.u8(bytes.length).raw(bytes); }
  });
}

/** Encodes a normalized manifest; services in the given order (the kernel registers them so). */
/** `hostSections`: a host's own ancillary records per service (e.g. the RUN section, tag 0x8B), which the kernel skips. */
export function encodeManifest(manifest: Manifest, hostSections?: (service: Service) => { tag: number; payload: Uint8Array }[]): Uint8Array {
  const indexOf = new Map(manifest.services.map((s, i) => [s.name, i]));
  const w = new Writer();
  w.raw(encoder.encode(MAGIC)).u16(FORMAT_VERSION).u16(HEADER_BYTES).u32(0).u32(0).u32(manifest.serial)
    .u16(manifest.services.length).u16(0);
  for (const service of manifest.services) {
    writeService(w, service, indexOf);
    for (const { tag, payload } of hostSections?.(service) ?? []) w.record(tag, (r) => r.raw(payload));
  }
  return seal(w.done());
}

// ---- reading ----

export class BlobFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at offset ${offset})`);
    this.name = "BlobFormatError";
  }
}

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array, public at: number, readonly end: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void { if (this.at + n > this.end) throw new BlobFormatError("record ends early", this.at); }
  u8(): number { this.need(1); return this.view.getUint8(this.at++); }
  u16(): number { this.need(2); const v = this.view.getUint16(this.at, true); this.at += 2; return v; }
  u32(): number { this.need(4); const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  i64(): number { this.need(8); const v = this.view.getBigInt64(this.at, true); this.at += 8; return Number(v); }
  raw(n: number): Uint8Array { this.need(n); const b = this.bytes.subarray(this.at, this.at + n); this.at += n; return b; }
  rest(): Uint8Array { return this.raw(this.end - this.at); }
  short(): Uint8Array { return this.raw(this.u8()); }
  text(b: Uint8Array): string { return decoder.decode(b); }
  /** A configuration record in its sparse form (host/kernel/records.ts). */
  record(kind: RecordKind): Int32Array {
    this.need(4);
    let sparse: { record: Int32Array; size: number };
    try { sparse = recordFromSparse(kind, this.bytes.subarray(0, this.end), this.at); } catch { throw new BlobFormatError(`${kind} record ends early or is malformed`, this.at); }
    this.at += sparse.size;
    return sparse.record;
  }
}

function readConfig(r: Reader): ConfigKey {
  const type = CONFIG_TYPES[r.u8() - 1];
  const flags = r.u8();
  const key = r.text(r.short());
  const min = r.i64(), max = r.i64();
  const choicesText = r.text(r.short());
  const pattern = r.text(r.short());
  const valueBytes = r.short();
  const result: ConfigKey = {
    key, type: type as ConfigType, required: !!(flags & FLAG.required), secret: !!(flags & FLAG.secret), hot: !!(flags & FLAG.hot),
    min, max, choices: choicesText ? choicesText.split("|") : [], pattern,
  };
  if (flags & FLAG.redacted) { result.value = REDACTED; result.redacted = true; return result; }
  if (!(flags & FLAG.hasValue)) return result;
  const view = new DataView(valueBytes.buffer, valueBytes.byteOffset, valueBytes.byteLength);
  if (type === "bool") result.value = valueBytes[0] === 1;
  else if (type === "int" || type === "duration" || type === "size") result.value = Number(view.getBigInt64(0, true));
  else result.value = decoder.decode(result.secret ? maskSecret(valueBytes) : valueBytes);
  return result;
}

function emptyService(name: string, type: number): Service {
  return { name, type: type === 0 ? "system" : "user", instances: 1, tags: [], dependencies: [], addresses: [], config: [] };
}

/** Decodes a blob (checks magic, version, length and checksum); dependencies by name. */
export function decodeManifest(blob: Uint8Array): Manifest {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < HEADER_BYTES) throw new BlobFormatError("shorter than the header", 0);
  if (decoder.decode(blob.subarray(0, 4)) !== MAGIC) throw new BlobFormatError("bad magic", 0);
  if (view.getUint16(4, true) !== FORMAT_VERSION) throw new BlobFormatError("unknown version", 4);
  if (view.getUint32(8, true) !== blob.length) throw new BlobFormatError("length mismatch", 8);
  if (view.getUint32(12, true) !== crc32(blob.subarray(16))) throw new BlobFormatError("checksum mismatch", 12);
  const services: Service[] = [];
  const depTargets: { service: Service; index: number; kind: number; condition: number }[] = [];
  const recoveries: { service: Service; record: Int32Array }[] = [];
  const compats: { service: Service; payload: ReturnType<typeof compatFromPayload> }[] = [];
  let at = HEADER_BYTES;
  while (at < blob.length) {
    const tag = view.getUint8(at);
    const size = view.getUint16(at + 1, true);
    const r = new Reader(blob, at + 3, at + 3 + size);
    if (r.end > blob.length) throw new BlobFormatError("record runs past the end", at);
    const current = services[services.length - 1];
    if (tag === TAG.service) { const type = r.u8(); services.push(emptyService(r.text(r.rest()), type)); }
    else if (!current) throw new BlobFormatError("record before the first service", at);
    else if (tag === TAG.instances) current.instances = r.u16();
    else if (tag === TAG.timeouts) Object.assign(current, recordValues("timeouts", recordFromBytes("timeouts", r.raw(8))));
    else if (tag === TAG.tag) current.tags.push(r.text(r.rest()));
    else if (tag === TAG.dependency) depTargets.push({ service: current, index: r.u16(), kind: r.u8(), condition: r.u8() });
    else if (tag === TAG.config) current.config.push(readConfig(r));
    else if (tag === TAG.address) { const ordinal = r.u16(); current.addresses.push({ ordinal, address: r.text(r.rest()) }); }
    else if (tag === TAG.health) current.health = readHealth(r);
    else if (tag === TAG.recovery) recoveries.push({ service: current, record: r.record("recovery") });
    else if (tag === TAG.balance) current.balance = readBalance(r);
    else if (tag === TAG.placement) current.placement = readPlacementRecord(r);
    else if (tag === TAG.resources) current.resources = resourcesSpecOf(r.record("resources"), current.resources?.units ?? []);
    else if (tag === TAG.units) {
      const names = Array.from({ length: r.u8() }, () => r.text(r.raw(r.u8())));
      if (current.resources) current.resources.units = names;
    }
    else if (tag === TAG.update) current.update = updateConfigOf(r.record("update"));
    else if (tag === TAG.compat) compats.push({ service: current, payload: compatFromPayload(r.rest()) });
    else if (tag === TAG.identity) current.runAs = runAsOf(r.u8());
    else if (tag === TAG.runDigest) current.runDigest = r.u32();
    else if (tag < 0x80) throw new BlobFormatError(`unknown critical tag ${tag}`, at);
    at += 3 + size;
  }
  for (const { service, record } of recoveries) {
    service.recovery = recoveryPolicyOf(record, (index) => {
      if (!services[index]) throw new BlobFormatError(`backup index ${index} out of range`, 0);
      return services[index].name;
    }) as RecoverySpec;
  }
  for (const { service, index, kind, condition } of depTargets) {
    const target = services[index];
    if (!target) throw new BlobFormatError(`dependency index ${index} out of range`, 0);
    service.dependencies.push({ name: target.name, kind: KINDS[kind] as Dependency["kind"], condition: CONDITIONS[condition] });
  }
  for (const { service, payload } of compats) {
    if (payload.version) service.version = payload.version;
    const compatible = payload.ranges.map(({ index, range }) => {
      if (!services[index]) throw new BlobFormatError(`version constraint index ${index} out of range`, 0);
      return { name: services[index].name, range };
    });
    if (compatible.length) service.compatible = compatible.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return { serial: view.getUint32(16, true), services };
}

function readHealth(r: Reader): HealthSpec {
  const { kind, fall, ...options } = checkOptionsOf(r.record("check"));
  const check = (Object.keys(CHECK_KIND_OF) as HealthSpec["check"][]).find((name) => CHECK_KIND_OF[name] === kind);
  if (!check) throw new BlobFormatError(`check kind ${kind ?? "(default)"} has no manifest name`, r.at);
  return { check, target: r.text(r.rest()), ...options, ...(fall === undefined ? {} : { retries: fall }) };
}

function readBalance(r: Reader): BalanceSpec {
  const config = balanceConfigOf(r.record("balance"));
  const breaker = settingsOf("breaker", r.record("breaker"));
  const outlier = settingsOf("outlier", r.record("outlier"));
  const weights = Array.from({ length: r.u16() }, () => r.u16());
  return {
    ...config, ...(breaker.enabled ? { breaker: breaker.config } : {}), ...(outlier.enabled ? { outlier: outlier.config } : {}), weights,
  };
}

export const ENUMS = { KINDS, CONDITIONS };
