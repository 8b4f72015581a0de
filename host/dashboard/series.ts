// Per-service traffic over time for the dashboard's charts: requests finished in each second,
// how many failed, and their p50 and p99 latency. Bounded: at most LATENCY_SAMPLES_MAX
// latencies are kept per service per second (the rest still count), and the finished seconds
// live in a ring the feed owns.
import type { GatewayRequest } from "../gateway/gateway.ts";

/** Latencies kept per service per second for the percentiles; beyond it requests only count. */
const LATENCY_SAMPLES_MAX = 4096;

/**
 * One service's current second. Its latency buffer is reused while the service has traffic; a
 * second without any drops the bucket, and so does the service's removal (retain).
 */
interface Bucket { requests: number; errors: number; kept: number; latencies: Float64Array }

export interface SecondStats { requests: number; errors: number; p50Ms: number | null; p99Ms: number | null }

export class TrafficSeries {
  private readonly buckets = new Map<string, Bucket>();

  /** A gateway finished a request (hot: constant work, no allocation). */
  record(request: GatewayRequest): void {
    let bucket = this.buckets.get(request.service);
    if (!bucket) this.buckets.set(request.service, bucket = { requests: 0, errors: 0, kept: 0, latencies: new Float64Array(LATENCY_SAMPLES_MAX) });
    bucket.requests++;
    if (request.outcome !== "success") bucket.errors++;
    if (bucket.kept < LATENCY_SAMPLES_MAX) bucket.latencies[bucket.kept++] = request.latencyMs;
  }

  /** Closes the current second of one service: its stats, and the bucket emptied for the next. */
  take(service: string): SecondStats {
    const bucket = this.buckets.get(service);
    if (!bucket || bucket.requests === 0) {
      this.buckets.delete(service);
      return { requests: 0, errors: 0, p50Ms: null, p99Ms: null };
    }
    const sorted = bucket.latencies.subarray(0, bucket.kept).sort(); // a typed array sorts numerically, in place
    const stats = { requests: bucket.requests, errors: bucket.errors, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
    bucket.requests = bucket.errors = bucket.kept = 0;
    return stats;
  }

  /** Drops the buckets of services not in `services` (removed ones: no one takes them any more). */
  retain(services: ReadonlySet<string>): void {
    for (const service of this.buckets.keys()) if (!services.has(service)) this.buckets.delete(service);
  }
}

/** Nearest-rank percentile of sorted values (null when there are none). */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round(sorted[rank] * 100) / 100;
}
