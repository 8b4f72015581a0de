// Balance test helpers: a service with `n` running instances on a virtual clock.
import { Kernel, VirtualHal, Balancer, type Profile, type Strategy } from "../../host/index.ts";

export interface Pool {
  hal: VirtualHal;
  kernel: Kernel;
  balancer: Balancer;
  id: number;
  handles: number[];
  /** Handle -> ordinal (0 = "a", 1 = "b", ...). */
  ordinal: Map<number, number>;
}

export interface PoolOptions {
  seed?: number;
  profile?: Profile;
  name?: string;
  strategy?: Strategy;
  weights?: number[];
  /** Envoy's default is 50; most tests want picks to follow eligibility strictly. */
  panicPercent?: number;
}

/** Brings every spawned instance up (answers spawn actions with "started"). */
export function bringUp(kernel: Kernel): void {
  for (let actions = kernel.drainActions(); actions.length > 0; actions = kernel.drainActions()) {
    for (const action of actions) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  }
}

export function runningPool(n: number, options: PoolOptions = {}): Pool {
  const hal = new VirtualHal(options.seed ?? 1);
  const kernel = new Kernel({ hal, profile: options.profile ?? "release" });
  const balancer = new Balancer(kernel);
  const id = kernel.register(options.name ?? "api", { instances: n });
  kernel.start(id);
  bringUp(kernel);
  const handles = kernel.instances(id);
  if (options.strategy) balancer.setStrategy(id, options.strategy);
  if (options.panicPercent !== undefined) balancer.setOption(id, "panicPercent", options.panicPercent);
  options.weights?.forEach((w, i) => balancer.setWeight(handles[i], w));
  return { hal, kernel, balancer, id, handles, ordinal: new Map(handles.map((h, i) => [h, i])) };
}

/** `count` picks as letters of the ordinals ("a" for ordinal 0). */
export function pickLetters(pool: Pool, count: number, finish = false): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    const handle = pool.balancer.pick(pool.id);
    if (finish) pool.balancer.finished(handle, 1);
    out += String.fromCharCode(97 + pool.ordinal.get(handle)!);
  }
  return out;
}

/** Distinct string keys "key-0", "key-1", ... */
export function keys(count: number): string[] { return Array.from({ length: count }, (_, i) => `key-${i}`); }

/** Pearson's chi-square statistic of `counts` against expected counts. */
export function chiSquare(counts: number[], expected: number[]): number {
  return counts.reduce((sum, c, i) => sum + (c - expected[i]) ** 2 / expected[i], 0);
}

/** The chi-square critical value at p = 0.001 (Wilson-Hilferty approximation). */
export function chiSquareCritical(degrees: number): number {
  const z = 3.090232; // the standard normal's 99.9th percentile
  const a = 2 / (9 * degrees);
  return degrees * (1 - a + z * Math.sqrt(a)) ** 3;
}

export function maxOverMean(counts: number[]): number {
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return Math.max(...counts) / mean;
}

/** A breaker configuration every test starts from (then overrides). */
export const BREAKER = {
  windowSize: 10, minCalls: 5, failureRatePercent: 50, consecutiveFailures: 5, slowCallMs: 0, slowRatePercent: 0,
  openMs: 1000, openMaxMs: 10_000, halfOpenPermits: 1,
};
