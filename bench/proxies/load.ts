// The load generator of the gateway benchmark, in its own process, against URL with fixed
// connections and duration, printing one JSON line: requests/s and the p50 / p99 of per-request
// times in float ms (each request's own time, not a whole-millisecond histogram).
//
// Without RATE: autocannon, every connection sending its next request as its last one completes
// (full load). With RATE (requests/s in total): each connection sends on an even schedule of its
// own, the connections' schedules staggered. autocannon's own rate option is a per-second quota
// (each connection sends back to back until its share of the second is used, then waits for the
// next second), so its latencies at a "rate" are those of full-load bursts: direct's p99 at a tenth
// of its capacity measured 4.4 ms that way, against 1.2-1.7 ms paced.
import autocannon from "autocannon";
import { Client, type Dispatcher } from "undici";

/** Paced runs leave the first half second out: the connections' setup and this process's own JIT warm-up. */
const PACED_WARMUP_MS = 500;

interface Result { rps: number; p50: number; p99: number; samples: number; errors: number; non2xx: number }

const [url, connections, durationS, rate] = process.argv.slice(2);
const result = rate ? await paced(url, Number(connections), Number(durationS) * 1000, Number(rate)) : await full(url, Number(connections), Number(durationS));
process.stdout.write(`${JSON.stringify(result)}\n`);

function summary(times: number[], seconds: number, errors: number, non2xx: number): Result {
  const sorted = Float64Array.from(times).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { rps: sorted.length / seconds, p50: at(0.5), p99: at(0.99), samples: sorted.length, errors, non2xx };
}

async function full(url: string, connections: number, durationS: number): Promise<Result> {
  const times: number[] = [];
  const instance = autocannon({ url, connections, duration: durationS, timeout: 5 });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => { times.push(ms); });
  const done = await instance;
  return { ...summary(times, durationS, done.errors + done.timeouts, done.non2xx), rps: done.requests.average };
}

/**
 * `rate` requests/s over `connections` keep-alive connections for `durationMs` after the warm-up:
 * connection i sends at start + (k * connections + i) / rate; when its previous response completes
 * later than that, it sends then and its schedule moves on from there (no burst to catch up: a
 * target slower than the rate serves what it keeps up with).
 * Times run from the request's dispatch to its response's last byte.
 */
async function paced(url: string, connections: number, durationMs: number, rate: number): Promise<Result> {
  const { pathname, search } = new URL(url);
  const path = pathname + search;
  const intervalMs = (connections / rate) * 1000;
  const start = performance.now() + 5, measureFrom = start + PACED_WARMUP_MS, end = measureFrom + durationMs;
  const times: number[] = [];
  let errors = 0, non2xx = 0;
  const clients = Array.from({ length: connections }, () => new Client(url, { pipelining: 1 }));
  const due = clients.map((_, i) => start + (i * intervalMs) / connections);
  const busy = clients.map(() => false);

  const send = (i: number) => {
    busy[i] = true;
    const sentAt = performance.now();
    let status = 0;
    const finish = (failed: boolean) => {
      const doneAt = performance.now();
      if (sentAt >= measureFrom) {
        if (failed) errors++;
        else {
          times.push(doneAt - sentAt);
          if (status < 200 || status >= 300) non2xx++;
        }
      }
      busy[i] = false;
      due[i] = Math.max(due[i] + intervalMs, doneAt); // late: no burst to catch up, the rate drops
      tick();
    };
    const handler: Dispatcher.DispatchHandler = {
      onConnect() {},
      onHeaders(statusCode) { status = statusCode; return true; },
      onData() { return true; },
      onComplete() { finish(false); },
      onError() { finish(true); },
    };
    clients[i].dispatch({ path, method: "GET", headersTimeout: 5000, bodyTimeout: 5000 }, handler);
  };
  const tick = () => {
    const now = performance.now();
    for (let i = 0; i < connections; i++) if (!busy[i] && due[i] <= now && due[i] < end) send(i);
  };
  const timer = setInterval(tick, 1);
  await new Promise((r) => setTimeout(r, end - performance.now()));
  clearInterval(timer);
  await Promise.all(clients.map((c) => c.close()));
  return summary(times, durationMs / 1000, errors, non2xx);
}
