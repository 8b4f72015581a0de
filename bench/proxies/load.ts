// The load generator of the gateway benchmark, in its own process: autocannon against URL with
// fixed connections and duration (and a total rate when RATE is set), printing one JSON line:
// requests/s and the p50 / p99 of per-request times in float ms (from autocannon's response
// events, not its whole-millisecond histogram).
import autocannon from "autocannon";

const [url, connections, durationS, rate] = process.argv.slice(2);
const times: number[] = [];
const instance = autocannon({
  url, connections: Number(connections), duration: Number(durationS), timeout: 5,
  ...(rate ? { overallRate: Number(rate) } : {}),
});
instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => { times.push(ms); });
const result = await instance;
const sorted = Float64Array.from(times).sort();
const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
process.stdout.write(`${JSON.stringify({
  rps: result.requests.average, p50: at(0.5), p99: at(0.99), samples: sorted.length,
  errors: result.errors + result.timeouts, non2xx: result.non2xx,
})}\n`);
