// Manifest, configuration and discovery on a running Kernel: load a blob (chunked through the
// I/O buffer), roll back, dump, read config (secrets redacted), query and subscribe by pattern,
// resolve dependency addresses. Wraps the exports of assembly/{manifest,config,discovery}/abi.ts.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { KernelExports } from "./exports.ts";
import { MycoError, ERROR_CODES } from "./errors.ts";
import { SERVICE_STATES, type State } from "./abi.ts";
import { decodeManifest } from "../manifest/blob.ts";
import type { Manifest } from "../manifest/types.ts";
import { REDACTED } from "../manifest/types.ts";

export const HEALTH_STATES = ["unknown", "healthy", "unhealthy"] as const;
export type Health = (typeof HEALTH_STATES)[number];
export const DISCOVERY_CHANGES = ["", "registered", "unregistered", "state", "health"] as const;
export const CONFIG_FLAGS = { required: 1, secret: 2, hot: 4, hasValue: 8 } as const;

export interface Query {
  /** `name`, `web-*`, `glob:*cache*`, `regex:web-.*`; empty or absent: any name. */
  pattern?: string;
  type?: "system" | "user";
  state?: State;
  health?: Health;
  /** Every one of these tags. */
  tags?: string[];
}

const decoder = new TextDecoder();
/** What manifestCheck answers for a service without a manifest check. */
const NO_CHECK = 0xffff;

export class ManifestLoadError extends MycoError {
  constructor(code: number, detail: string, readonly offset: number) {
    super(code, detail);
    this.name = "ManifestLoadError";
  }
}

export class KernelManifest {
  readonly x: KernelExports;

  constructor(readonly kernel: Kernel) {
    this.x = kernel.exports;
  }

  private io(): Uint8Array {
    const e = this.kernel.exports;
    return new Uint8Array(e.memory.buffer, e.ioBuffer(), e.ioCapacity());
  }
  private text(length: number): string { return decoder.decode(this.io().subarray(0, length)); }
  private ids(count: number): number[] {
    const e = this.kernel.exports;
    return Array.from(new Uint16Array(e.memory.buffer, e.ioBuffer(), count));
  }

  /** Stages and loads a blob; returns the new revision. Throws ManifestLoadError (nothing changed). */
  load(blob: Uint8Array): number {
    const chunk = this.kernel.exports.ioCapacity();
    for (let offset = 0; offset < blob.length; offset += chunk) {
      const part = blob.subarray(offset, offset + chunk);
      this.io().set(part);
      this.kernel.check(this.x.manifestStage(offset, part.length));
    }
    this.kernel.forgetNames();
    return this.checked(this.x.manifestLoad(blob.length));
  }

  rollback(): number {
    this.kernel.forgetNames();
    return this.checked(this.x.manifestRollback());
  }

  private checked(status: number): number {
    if (status >= 0) return status;
    const detail = this.text(this.kernel.exports.errorDetail());
    throw new ManifestLoadError(status, detail, this.x.manifestErrorOffset());
  }

  get revision(): number { return this.x.manifestRevision(); }
  get serial(): number { return this.x.manifestSerial() >>> 0; }
  /** Services still waiting for a removal, resize or restart the last load asked for. */
  get pending(): number { return this.x.manifestPending(); }

  /** The kernel's configuration as a blob (secrets redacted). */
  dumpBlob(): Uint8Array {
    const length = this.kernel.check(this.x.manifestDump());
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length;) {
      const n = this.x.manifestDumpRead(offset);
      out.set(this.io().subarray(0, n), offset);
      offset += n;
    }
    return out;
  }

  dump(): Manifest { return decodeManifest(this.dumpBlob()); }

  /**
   * The id of the health check the service's `health:` section made in the kernel (the one whose
   * run-check actions the host answers for it), or undefined when the section has no check.
   */
  checkOf(ref: ServiceRef): number | undefined {
    const check = this.kernel.check(this.x.manifestCheck(this.kernel.id(ref)));
    return check === NO_CHECK ? undefined : check;
  }

  // ---- config ----

  keys(ref: ServiceRef): string[] {
    const id = this.kernel.id(ref);
    const status = this.x.configCount(id);
    if (status === ERROR_CODES.E_NOT_IN_PROFILE.code) return []; // a profile without config keys (tiny) has none
    const count = this.kernel.check(status);
    return Array.from({ length: count }, (_, k) => this.text(this.kernel.check(this.x.configKeyAt(id, k))));
  }

  /** A key's value as text; a secret reads as "<redacted>". */
  get(ref: ServiceRef, key: string): string | undefined {
    const id = this.kernel.id(ref);
    const info = this.kernel.check(this.x.configInfo(id, this.kernel.put(key)));
    if (info & CONFIG_FLAGS.secret) return REDACTED;
    if (!(info & CONFIG_FLAGS.hasValue)) return undefined;
    return this.text(this.kernel.check(this.x.configGet(id, this.kernel.put(key))));
  }

  /** Every key of the service with its value (secrets redacted): what status output shows. */
  config(ref: ServiceRef): Record<string, string | undefined> {
    return Object.fromEntries(this.keys(ref).map((key) => [key, this.get(ref, key)]));
  }

  /** The secret in clear: only for an executor building the service's environment. */
  revealSecret(ref: ServiceRef, key: string): string {
    const id = this.kernel.id(ref);
    return this.text(this.kernel.check(this.x.configSecretReveal(id, this.kernel.put(key))));
  }

  // ---- discovery ----

  tagMask(tags: string[] = []): bigint {
    let mask = 0n;
    for (const tag of tags) {
      const id = this.x.tagLookup(this.kernel.put(tag));
      if (id < 0) return -1n; // an unknown tag: nothing can match
      mask |= 1n << BigInt(id);
    }
    return mask;
  }

  /** Names of the services that match, in id order. */
  query(q: Query = {}): string[] {
    const tags = this.tagMask(q.tags);
    if (tags < 0n) return [];
    const type = q.type === undefined ? -1 : q.type === "system" ? 0 : 1;
    const state = q.state === undefined ? -1 : SERVICE_STATES.indexOf(q.state);
    const health = q.health === undefined ? -1 : HEALTH_STATES.indexOf(q.health);
    const length = q.pattern ? this.kernel.put(q.pattern) : 0;
    const count = this.kernel.check(this.x.discoveryQuery(length, type, state, health, BigInt.asUintN(64, tags)));
    return this.ids(count).map((id) => this.kernel.name(id));
  }

  /** Matches `text` against a pattern in the kernel; `steps` is the NFA's work (linear in text). */
  test(pattern: string, text: string): { matched: boolean; steps: number } {
    const p = this.kernel.put(pattern);
    const bytes = new TextEncoder().encode(text);
    const io = this.io();
    if (p + bytes.length > io.length) throw new RangeError(`pattern and text do not fit the ${io.length}-byte I/O buffer`);
    io.set(bytes, p);
    const result = this.kernel.check(this.x.discoveryPatternTest(p, bytes.length));
    return { matched: result === 1, steps: this.x.discoveryPatternSteps() >>> 0 };
  }

  subscribe(pattern: string, options: { type?: "system" | "user"; tags?: string[] } = {}): number {
    const tags = this.tagMask(options.tags);
    const type = options.type === undefined ? -1 : options.type === "system" ? 0 : 1;
    return this.kernel.check(this.x.discoverySubscribe(this.kernel.put(pattern), type, BigInt.asUintN(64, tags < 0n ? 0n : tags)));
  }

  unsubscribe(subscription: number): void { this.kernel.check(this.x.discoveryUnsubscribe(subscription)); }

  members(subscription: number): string[] {
    return this.ids(this.kernel.check(this.x.discoverySubscriptionMembers(subscription))).map((id) => this.kernel.name(id));
  }

  setHealth(ref: ServiceRef, health: Health): void {
    this.kernel.check(this.x.discoveryHealthSet(this.kernel.id(ref), HEALTH_STATES.indexOf(health)));
  }

  health(ref: ServiceRef): Health { return HEALTH_STATES[this.kernel.check(this.x.discoveryHealth(this.kernel.id(ref)))]; }

  cacheTtl(ms: number): void { this.kernel.check(this.x.discoveryCacheTtl(ms)); }

  cacheCounters(): { hits: number; misses: number; evictions: number; stale: number; entries: number; generation: number } {
    const c = (i: number) => this.x.discoveryCounter(i) >>> 0;
    return { hits: c(0), misses: c(1), evictions: c(2), stale: c(3), entries: c(4), generation: c(5) };
  }

  addresses(ref: ServiceRef): string[] {
    const text = this.text(this.kernel.check(this.x.discoveryAddresses(this.kernel.id(ref))));
    return text ? text.split(",") : [];
  }

  /** `{DEP}_ADDR` for every dependency with addresses (uppercased, `-` and `.` -> `_`). */
  dependencyEnv(ref: ServiceRef): Record<string, string> {
    const id = this.kernel.id(ref);
    const count = this.kernel.check(this.x.discoveryDependencies(id));
    const e = this.kernel.exports;
    const records = new Uint8Array(e.memory.buffer, e.ioBuffer(), count * 4).slice();
    const env: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      const dep = records[i * 4] | (records[i * 4 + 1] << 8);
      const addresses = this.addresses(dep);
      if (addresses.length) env[`${this.kernel.name(dep).toUpperCase().replace(/[-.]/g, "_")}_ADDR`] = addresses.join(",");
    }
    return env;
  }
}
