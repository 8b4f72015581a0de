// The gateway under load on loopback: `myco run` (a real supervisor in its own process) with
// three instances of a minimal HTTP server behind its gateway, loaded by autocannon; then one
// instance loaded directly with the same client settings. Reports requests/s both ways and the
// latency the gateway adds at p50 and p99 (per-request times in float ms from autocannon's
// response events, not its whole-millisecond histogram). Goal: p99 overhead <= 1 ms and >= 70 %
// of direct throughput. For scale, the same load through a plain TCP relay (no HTTP parsing,
// one upstream per connection): no HTTP proxy in Node can beat it on the same cores. And the
// kernel's own share of a proxied request: one pick and one report, measured in-process.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { measure, type BenchRow } from "./harness.ts";
import { Kernel, VirtualHal } from "../host/index.ts";
import { Balancer } from "../host/kernel/balance.ts";
import { freePorts } from "../host/tools/free-ports.ts";

const MYCO = fileURLToPath(new URL("../host/cli/myco.js", import.meta.url));
const CONNECTIONS = 16;
const DURATION_S = 5;
const WARMUP_S = 1;
/** The upstream: the smallest HTTP server Node has. */
const UPSTREAM = "require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '127.0.0.1')";
/** The reference: a TCP relay that splices each connection to one upstream, round robin. */
const RELAY = "const net = require('net'); const ports = process.env.UP.split(',').map(Number); let i = 0;"
  + "net.createServer((c) => { const u = net.connect(ports[i++ % ports.length], '127.0.0.1'); c.pipe(u).pipe(c);"
  + " c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }).listen(+process.env.PORT, '127.0.0.1')";

interface Load { rps: number; p50: number; p99: number; errors: number; non2xx: number; samples: number }


function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function load(url: string, durationS: number): Promise<Load> {
  const times: number[] = [];
  const instance = autocannon({ url, connections: CONNECTIONS, duration: durationS, timeout: 5 });
  instance.on("response", (_client, _status, _bytes, ms) => { times.push(ms); });
  const result = await instance;
  const sorted = Float64Array.from(times).sort();
  return { rps: result.requests.average, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), errors: result.errors + result.timeouts, non2xx: result.non2xx, samples: sorted.length };
}

async function waitForOk(url: string, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`${url} did not answer within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Nanoseconds of the kernel's part of one proxied request: a pick and a finished report. */
function kernelShareNs(): number {
  const kernel = new Kernel({ hal: new VirtualHal(1) });
  const id = kernel.register("web", { instances: 3 });
  const balancer = new Balancer(kernel);
  balancer.configure(id, { strategy: "least-connections" });
  kernel.startAll();
  for (const action of kernel.drainActions()) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  return measure(() => balancer.finished(balancer.pick(id), 0.3, "success"));
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "myco-bench-gw-"));
  const [gateway, relayPort, ...ports] = await freePorts(5);
  writeFileSync(join(dir, "services.yaml"), `
services:
  web:
    instances: { count: 3, addresses: [${ports.map((p) => `"127.0.0.1:${p}"`).join(", ")}] }
    balance: { strategy: least-connections }
    run:
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", ${JSON.stringify(UPSTREAM)}]
      ready: listening
      gateway: { port: ${gateway} }
`);
  const myco: ChildProcess = spawn(process.execPath, [MYCO, "run", join(dir, "services.yaml"), "--duration", "120s", "--socket", join(dir, "control.sock"), "--status-every", "1h"], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  const relay: ChildProcess = spawn(process.execPath, ["-e", RELAY], { env: { ...process.env, PORT: String(relayPort), UP: ports.join(",") }, stdio: "ignore" });
  try {
    const viaGateway = `http://127.0.0.1:${gateway}/`;
    const direct = `http://127.0.0.1:${ports[0]}/`;
    const viaRelay = `http://127.0.0.1:${relayPort}/`;
    await waitForOk(viaGateway, 20_000);
    await waitForOk(viaRelay, 5_000);
    for (const url of [viaGateway, direct, viaRelay]) await load(url, WARMUP_S);
    const g = await load(viaGateway, DURATION_S);
    const d = await load(direct, DURATION_S);
    const r = await load(viaRelay, DURATION_S);
    const show = (label: string, l: Load) => console.error(`${label} ${l.rps.toFixed(0)} req/s, p50 ${l.p50.toFixed(3)} ms, p99 ${l.p99.toFixed(3)} ms (${l.samples} samples, ${l.errors} errors, ${l.non2xx} non-2xx)`);
    show("gateway:  ", g);
    show("direct:   ", d);
    show("tcp relay:", r);
    const name = `gateway, 3 instances, ${CONNECTIONS} connections`;
    return [
      { name: `${name}: requests/s`, unit: "req/s", value: g.rps, peer: "one instance directly", peerValue: d.rps, ratio: g.rps / d.rps },
      { name: `${name}: requests/s`, unit: "req/s", value: g.rps, peer: "plain TCP relay (ceiling)", peerValue: r.rps, ratio: g.rps / r.rps },
      { name: `${name}: added latency p50`, unit: "ms", value: g.p50 - d.p50, peer: "tcp relay adds", peerValue: r.p50 - d.p50, ratio: null },
      { name: `${name}: added latency p99`, unit: "ms", value: g.p99 - d.p99, peer: "tcp relay adds", peerValue: r.p99 - d.p99, ratio: null },
      { name: "gateway: kernel pick + report per request", unit: "ns", value: kernelShareNs(), peer: null, peerValue: null, ratio: null },
    ];
  } finally {
    relay.kill("SIGKILL");
    myco.kill("SIGTERM");
    await new Promise((done) => myco.once("exit", done));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
