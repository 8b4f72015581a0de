// Timing helpers for `npm run bench`. Benchmarks report; tests never assert timings.

export interface BenchRow {
  name: string;
  unit: string;
  value: number;
  peer: string | null;
  peerValue: number | null;
  /** > 1 means Myco is better than the peer on this row. */
  ratio: number | null;
}

export interface MeasureOptions {
  /** Minimum time per sample (ms). */
  minMs?: number;
  /** Calls per timed batch before the clock is read. */
  batch?: number;
  /** Samples; the median is reported. */
  samples?: number;
}

/**
 * A loop of its own for each measured function: one shared loop's call site sees every function
 * measured before and goes megamorphic (no inlining), so whatever is measured first would run
 * faster than what follows, floors included. A fresh one keeps every call site monomorphic.
 */
const freshLoop = () => new Function("fn", "batch", "for (let i = 0; i < batch; i++) fn();") as (fn: () => void, batch: number) => void;

/** Nanoseconds per call of `fn`: the median of several samples, after a warm-up. */
export function measure(fn: () => void, options: MeasureOptions = {}): number {
  const { minMs = 30, batch = 1000, samples = 7 } = options;
  const loop = freshLoop();
  for (let i = 0; i < 3; i++) loop(fn, batch); // warm-up: let the JIT settle
  const results: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    do {
      loop(fn, batch);
      calls += batch;
      elapsed = process.hrtime.bigint() - start;
    } while (elapsed < BigInt(minMs) * 1_000_000n);
    results.push(Number(elapsed) / calls);
  }
  results.sort((a, b) => a - b);
  return results[results.length >> 1];
}

/** Milliseconds of one run of `fn` (median of `samples` runs), for whole-job benchmarks. */
export function measureOnce(fn: () => void, samples = 5): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up: V8 tiers wasm and JS up over the first runs
  const results: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    fn();
    results.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  results.sort((a, b) => a - b);
  return results[results.length >> 1];
}

/** A row comparing Myco's `value` with a peer's, where lower is better (times). */
export function lowerIsBetter(name: string, unit: string, value: number, peer: string | null, peerValue: number | null): BenchRow {
  return { name, unit, value, peer, peerValue, ratio: peerValue === null ? null : peerValue / value };
}
