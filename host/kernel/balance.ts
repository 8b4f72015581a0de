// Load balancing from the host: the kernel picks an instance per request and learns from what
// the host reports back (assembly/balance/). This is a thin typed layer over the raw exports:
// names for strategies, options, health states and outcomes; configuration objects; typed
// statistics. The hot calls (pick, finished) take numeric ids and allocate nothing but the
// number they return.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { KernelExports } from "./exports.ts";
import { recordOf, recordObject, recordValues, codeOf, type RecordValues } from "./records.ts";

export const STRATEGIES = [
  "round-robin", "least-connections", "weighted-round-robin", "weighted-least-connections", "random", "ip-hash",
  "consistent-hash", "fastest-response", "health-based",
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const HEALTH_STATES = ["unknown", "healthy", "degraded", "unhealthy"] as const;
export type Health = (typeof HEALTH_STATES)[number];

export const BREAKER_STATES = ["closed", "open", "half-open"] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export const OUTCOMES = { failure: 0, success: 1, cancelled: 2 } as const;
export type Outcome = keyof typeof OUTCOMES;
export type OutcomeCode = (typeof OUTCOMES)[Outcome];

/** The options of the BALANCE record (besides the strategy). */
export const BALANCE_OPTIONS = ["choices", "activeBiasPercent", "panicPercent", "decayMs", "defaultCostMs"] as const;
export type BalanceOption = (typeof BALANCE_OPTIONS)[number];

export interface BalanceConfig {
  strategy?: Strategy;
  /** Least connections (weighted or not): 2 (the default) is power of two choices, 0 compares every instance. */
  choices?: 0 | 2;
  /** Weighted least connections: Envoy's active_request_bias in hundredths (100 = 1.0). */
  activeBiasPercent?: number;
  /** Below this share of available instances, balance across all members (0: never). Default 50. */
  panicPercent?: number;
  /** Fastest response: peak-EWMA decay time (default 10 000 ms) and the cost of an unmeasured instance (100 ms). */
  decayMs?: number;
  defaultCostMs?: number;
}

export interface BreakerConfig {
  /** The sliding window: the last N calls (1..64). */
  windowSize: number;
  /** Calls in the window before the rates are judged (1..windowSize). */
  minCalls: number;
  /** Open when failures / calls >= this (0 off). */
  failureRatePercent: number;
  /** Open after this many failures in a row (0 off). */
  consecutiveFailures: number;
  /** A call slower than this is slow (0 off). */
  slowCallMs: number;
  /** Open when slow calls / calls >= this (0 off; needs slowCallMs). */
  slowRatePercent: number;
  /** Open this long, doubling with every open in a row, up to openMaxMs. */
  openMs: number;
  openMaxMs: number;
  /** Half-open admits exactly this many probes and closes after as many successes. */
  halfOpenPermits: number;
}


export interface OutlierConfig {
  /** Failures in a row that eject an instance. */
  consecutiveFailures: number;
  /** Ejected for baseEjectionMs x (times ejected), up to maxEjectionMs. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** At most this share of the instances ejected at once (at least one may always be). */
  maxEjectedPercent: number;
}

// Defaults of every field: the kernel's (docs/defaults.md); a field left out is sent as -1.

/** The BALANCE record of a configuration (a strategy name the kernel does not know is an error). */
export function balanceRecordOf(config: BalanceConfig, service = "?"): Int32Array {
  const strategy = codeOf(STRATEGIES, config.strategy, "E_INVALID_STRATEGY", "strategy", service);
  return recordOf("balance", { ...config, strategy });
}

/** The configuration a BALANCE record holds (fields at the sentinel left out). */
export function balanceConfigOf(record: Int32Array): BalanceConfig {
  const { strategy, ...options } = recordValues("balance", record);
  return { ...(strategy === undefined ? {} : { strategy: STRATEGIES[strategy] }), ...(options as Omit<BalanceConfig, "strategy" | "choices">) } as BalanceConfig;
}

/** The BREAKER record: `config` on (`enabled`) or off; the fields left out are the kernel's defaults. */
export function breakerRecordOf(config: Partial<BreakerConfig>, enabled: boolean | undefined): Int32Array {
  return recordOf("breaker", { ...config, enabled: enabled === undefined ? undefined : enabled ? 1 : 0 });
}

export function outlierRecordOf(config: Partial<OutlierConfig>, enabled: boolean | undefined): Int32Array {
  return recordOf("outlier", { ...config, enabled: enabled === undefined ? undefined : enabled ? 1 : 0 });
}

/** A BREAKER or OUTLIER record's settings (the sentinel left out) and whether it is on (undefined: default). */
export function settingsOf<K extends "breaker" | "outlier">(kind: K, record: Int32Array): { enabled?: boolean; config: RecordValues<K> } {
  const { enabled, ...config } = recordValues(kind, record) as { enabled?: number };
  return { enabled: enabled === undefined ? undefined : enabled === 1, config: config as unknown as RecordValues<K> };
}

export interface InstanceBalanceStats {
  picks: number;
  successes: number;
  failures: number;
  active: number;
  /** Smoothed latency (EWMA, weight 1/8), or null before the first report. */
  latencyMs: number | null;
  /** Peak-EWMA latency estimate now (fastest response), or null without a sample. */
  costMs: number | null;
  breaker: BreakerState;
  breakerOpened: number;
  breakerHalfOpened: number;
  breakerClosed: number;
  isolations: number;
  ejections: number;
  ejected: boolean;
  weight: number;
  health: Health;
  enabled: boolean;
  draining: boolean;
  /** A canary of a canary rollout: its class of the balancer's split (assembly/balance/split.ts). */
  canary: boolean;
  /** In the pool the next pick chooses from. */
  eligible: boolean;
}

export interface ServiceBalanceStats {
  strategy: Strategy;
  picks: number;
  successes: number;
  failures: number;
  active: number;
  noEligible: number;
  panic: boolean;
  panicEntries: number;
  panicPicks: number;
  poolRebuilds: number;
  hashTableBuilds: number;
  /** FNV-1a of the consistent-hash table: equal on every host for the same membership. */
  hashTableChecksum: number;
  instances: number;
  members: number;
  eligible: number;
  ejected: number;
  breakersNotClosed: number;
}

const encoder = new TextEncoder();

export class Balancer {
  private readonly e: KernelExports;
  /** The I/O buffer: the module's memory is fixed, so the view stays valid. */
  private readonly io: Uint8Array;
  private readonly view: DataView;
  /**
   * Where pickMany leaves its handles (and takes its keys): the I/O buffer as i32, valid until
   * the next kernel call. Read `picked[0 .. n)` after `n = pickMany(...)`.
   */
  readonly picked: Int32Array;

  constructor(readonly kernel: Kernel) {
    this.e = kernel.exports;
    this.io = new Uint8Array(this.e.memory.buffer, this.e.ioBuffer(), this.e.ioCapacity());
    this.view = new DataView(this.e.memory.buffer, this.e.ioBuffer(), this.e.ioCapacity());
    this.picked = new Int32Array(this.e.memory.buffer, this.e.ioBuffer(), this.e.ioCapacity() >> 2);
  }

  private check(status: number): number { return status >= 0 ? status : this.kernel.check(status); }

  // ---- configuration ----

  /** The whole BALANCE record: a field left out is the kernel's default, not the one held now. */
  configure(ref: ServiceRef, config: BalanceConfig): void {
    const id = this.kernel.id(ref);
    this.kernel.applyRecord(id, "balance", balanceRecordOf(config, this.kernel.name(id)));
  }

  /** The strategy and options the kernel holds for the service. */
  config(ref: ServiceRef): Required<BalanceConfig> {
    const { strategy, choices, ...options } = recordObject("balance", this.kernel.readRecord(ref, "balance"));
    return { strategy: STRATEGIES[strategy], choices: choices as 0 | 2, ...options };
  }

  /** Changes the strategy, keeping the options the kernel holds. */
  setStrategy(ref: ServiceRef, strategy: Strategy): void { this.configure(ref, { ...this.config(ref), strategy }); }

  /** Changes one option, keeping the rest. */
  setOption(ref: ServiceRef, option: BalanceOption, value: number): void {
    this.configure(ref, { ...this.config(ref), [option]: value });
  }

  /** Turns the service's breakers on with these settings (the rest the kernel's defaults); returns what the kernel holds. */
  configureBreaker(ref: ServiceRef, config: Partial<BreakerConfig> = {}): BreakerConfig {
    this.kernel.applyRecord(ref, "breaker", breakerRecordOf(config, true));
    return this.breaker(ref);
  }

  /** Turns the breakers off (their settings are kept). */
  disableBreaker(ref: ServiceRef): void {
    this.kernel.applyRecord(ref, "breaker", breakerRecordOf(this.breaker(ref), false));
  }

  /** The breaker settings the kernel holds (on or off). */
  breaker(ref: ServiceRef): BreakerConfig {
    const { enabled: _, ...config } = recordObject("breaker", this.kernel.readRecord(ref, "breaker"));
    return config;
  }

  configureOutlier(ref: ServiceRef, config: Partial<OutlierConfig> = {}): OutlierConfig {
    this.kernel.applyRecord(ref, "outlier", outlierRecordOf(config, true));
    return this.outlier(ref);
  }

  disableOutlier(ref: ServiceRef): void {
    this.kernel.applyRecord(ref, "outlier", outlierRecordOf(this.outlier(ref), false));
  }

  outlier(ref: ServiceRef): OutlierConfig {
    const { enabled: _, ...config } = recordObject("outlier", this.kernel.readRecord(ref, "outlier"));
    return config;
  }

  // ---- instances (by handle) ----

  setWeight(handle: number, weight: number): void { this.check(this.e.balanceSetWeight(handle, weight)); }
  setEnabled(handle: number, enabled: boolean): void { this.check(this.e.balanceSetEnabled(handle, enabled ? 1 : 0)); }
  setDraining(handle: number, draining: boolean): void { this.check(this.e.balanceSetDraining(handle, draining ? 1 : 0)); }
  setHealth(handle: number, health: Health): void {
    this.check(this.e.instanceSetHealth(handle, HEALTH_STATES.indexOf(health)));
  }
  /** Holds the instance's breaker open; returns the isolations held. */
  isolate(handle: number): number { return this.check(this.e.breakerIsolate(handle)); }
  /** Drops one isolation; returns the isolations still held. */
  release(handle: number): number { return this.check(this.e.breakerRelease(handle)); }
  resetBreaker(handle: number): void { this.check(this.e.breakerReset(handle)); }

  // ---- picks and reports (hot: numeric ids) ----

  /** An instance handle for one request (the request counts as started). */
  pick(service: number): number {
    const handle = this.e.balancePick(service);
    return handle >= 0 ? handle : this.kernel.check(handle);
  }

  /** Keyed by a 32-bit number: an IPv4 address for IP hash, any key for consistent hash. */
  pickKey(service: number, key: number): number {
    const handle = this.e.balancePickKey(service, key | 0); // as i32: V8 passes it without boxing
    return handle >= 0 ? handle : this.kernel.check(handle);
  }

  /** Keyed by bytes or a string's UTF-8 (consistent hash), or an address's 4/16 bytes (IP hash). */
  pickBytes(service: number, key: Uint8Array | string): number {
    let length: number;
    if (typeof key === "string") {
      const { read, written } = encoder.encodeInto(key, this.io);
      if (read !== key.length) return this.kernel.check(this.e.balancePickBytes(service, -1));
      length = written;
    } else {
      if (key.length > this.io.length) return this.kernel.check(this.e.balancePickBytes(service, key.length));
      this.io.set(key);
      length = key.length;
    }
    const handle = this.e.balancePickBytes(service, length);
    return handle >= 0 ? handle : this.kernel.check(handle);
  }

  /** Keyed by a client address in text ("192.0.2.7", "2001:db8::1"). IPv4 takes no allocation. */
  pickAddress(service: number, address: string): number {
    const v4 = ipv4Number(address);
    return v4 >= 0 ? this.pickKey(service, v4) : this.pickBytes(service, parseAddress(address));
  }

  /** `count` picks inside the kernel (keys keyBase, keyBase + 1, ...); returns the last handle. */
  pickBatch(service: number, count: number, keyBase = 0): number {
    return this.check(this.e.balancePickBatch(service, count, keyBase));
  }

  /**
   * `count` picks in one call (one boundary crossing), for `count` requests: the handles land in
   * `picked[0 .. n)`, n returned (fewer than `count` only when the pool ran out part way). Keys
   * for IP hash and consistent hash: `keys[0 .. count)` (u32 each; an IPv4 address as a number).
   * Allocates nothing.
   */
  pickMany(service: number, count: number, keys?: ArrayLike<number>): number {
    let keysLength = 0;
    if (keys !== undefined) {
      if (keys.length < count) throw new RangeError(`pickMany: ${keys.length} keys for ${count} picks`);
      const picked = this.picked;
      const n = Math.min(count, picked.length);
      for (let i = 0; i < n; i++) picked[i] = keys[i] | 0;
      keysLength = count * 4;
    }
    return this.check(this.e.balancePickMany(service, count, keysLength));
  }

  /** A request the host routed itself; throws E_BREAKER_OPEN when the instance's breaker refuses it. */
  started(handle: number): void { this.check(this.e.balanceRequestStarted(handle)); }

  finished(handle: number, latencyMs: number, outcome: Outcome = "success"): void {
    const status = this.e.balanceRequestFinished(handle, latencyMs, OUTCOMES[outcome] ?? -1);
    if (status < 0) this.kernel.check(status);
  }

  // ---- the breaker in one call (hot: numbers in, a number out, nothing allocated) ----

  /** True when the instance's breaker admits a call now: it counts as in flight until reported. */
  acquire(handle: number): boolean {
    const status = this.e.breakerAcquire(handle);
    if (status < 0) this.kernel.check(status); // throws: a bad or stale handle
    return status > 0;
  }

  /** Reports a call's end; `outcome` is an OUTCOMES code (0 failure, 1 success, 2 cancelled). */
  report(handle: number, latencyMs: number, outcome: OutcomeCode): void {
    const status = this.e.balanceRequestFinished(handle, latencyMs, outcome);
    if (status < 0) this.kernel.check(status);
  }

  /** Reports the call that just finished and asks the permit for the next one, in one kernel call. */
  pass(handle: number, latencyMs: number, outcome: OutcomeCode): boolean {
    const status = this.e.breakerPass(handle, latencyMs, outcome);
    if (status < 0) this.kernel.check(status); // throws: a bad or stale handle
    return status > 0;
  }

  // ---- statistics ----

  instanceStats(handle: number): InstanceBalanceStats {
    this.check(this.e.balanceInstanceStats(handle));
    const v = this.view;
    const latency = v.getFloat32(40, true);
    const cost = v.getFloat64(48, true);
    const flags = v.getUint8(62);
    return {
      picks: Number(v.getBigUint64(0, true)),
      successes: Number(v.getBigUint64(8, true)),
      failures: Number(v.getBigUint64(16, true)),
      active: v.getUint32(44, true),
      latencyMs: latency < 0 ? null : latency,
      costMs: cost < 0 ? null : cost,
      breaker: BREAKER_STATES[v.getUint8(60)],
      breakerOpened: v.getUint32(24, true),
      breakerHalfOpened: v.getUint32(28, true),
      breakerClosed: v.getUint32(32, true),
      isolations: v.getUint16(58, true),
      ejections: v.getUint32(36, true),
      ejected: (flags & 4) !== 0,
      weight: v.getUint16(56, true),
      health: HEALTH_STATES[v.getUint8(61)],
      enabled: (flags & 1) === 0,
      draining: (flags & 2) !== 0,
      eligible: (flags & 8) !== 0,
      canary: (flags & 32) !== 0,
    };
  }

  serviceStats(ref: ServiceRef): ServiceBalanceStats {
    this.check(this.e.balanceServiceStats(this.kernel.id(ref)));
    const v = this.view;
    return {
      strategy: STRATEGIES[v.getUint8(55)],
      picks: Number(v.getBigUint64(0, true)),
      successes: Number(v.getBigUint64(8, true)),
      failures: Number(v.getBigUint64(16, true)),
      active: v.getUint32(24, true),
      noEligible: v.getUint32(28, true),
      panic: v.getUint8(56) !== 0,
      panicEntries: v.getUint32(32, true),
      panicPicks: v.getUint32(36, true),
      poolRebuilds: v.getUint32(40, true),
      hashTableBuilds: v.getUint32(44, true),
      hashTableChecksum: v.getUint32(48, true),
      instances: v.getUint8(58),
      members: v.getUint8(53),
      eligible: v.getUint8(52),
      ejected: v.getUint8(54),
      breakersNotClosed: v.getUint8(57),
    };
  }
}

/** A dotted-quad IPv4 address as its 32-bit number (what the kernel keys IPv4 by), or -1. */
export function ipv4Number(text: string): number {
  let value = 0, part = -1, parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "."
    if (c >= 48 && c <= 57) {
      part = part < 0 ? c - 48 : part * 10 + c - 48;
      if (part > 255) return -1;
    } else if (c === 46 && part >= 0 && parts < 4) {
      value = value * 256 + part;
      part = -1;
      parts++;
    } else return -1;
  }
  return parts === 4 ? value : -1;
}

/** The 4 (IPv4) or 16 (IPv6) bytes of an address in text; throws on anything else. */
export function parseAddress(address: string): Uint8Array {
  const v4 = parseIpv4(address);
  if (v4) return v4;
  const bytes = new Uint8Array(16);
  const halves = address.split("::");
  if (halves.length > 2) throw new TypeError(`'${address}' is not an IPv4 or IPv6 address`);
  const groups = (part: string): number[] => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      const tail = i === pieces.length - 1 ? parseIpv4(piece) : null;
      if (tail) { out.push((tail[0] << 8) | tail[1], (tail[2] << 8) | tail[3]); continue; }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) throw new TypeError(`'${address}' is not an IPv4 or IPv6 address`);
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    throw new TypeError(`'${address}' is not an IPv4 or IPv6 address`);
  }
  [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail].forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return Uint8Array.from(parts.map(Number));
}
