// The gateway under load on loopback, against the proxies a Node user would otherwise pick. The
// same two backends (bench/proxies/backend.cjs, each its own process) behind every proxy, every
// proxy in its own process, the load generator (bench/proxies/load.ts) in its own
// process with fixed connections and duration, measured one after another in one run:
//
//   direct         one backend loaded directly (the floor every proxy adds to)
//   tcp relay      a bare TCP relay, round robin per connection (the ceiling for L4 in Node)
//   http-proxy     `http-proxy` with a keep-alive agent, round robin per request
//   fastify        `@fastify/http-proxy` (undici BalancedPool over both backends)
//   floor          Node's HTTP server + undici Pool dispatch and nothing else: the two components
//                  Myco's HTTP gateway is built on (bench/proxies/undici-floor.cjs), so its distance
//                  to Myco is what Myco's own work per request costs
//   myco http      `myco run` with an HTTP gateway: the kernel's pick, breakers and ejection per request
//   myco tcp       `myco run` with an L4 gateway (`mode: tcp`): the kernel's pick per connection
//
// First each at full load (req/s), then each at half load for latency: half of Myco HTTP's own
// full-load req/s, offered to every target alike on an even schedule (bench/proxies/load.ts), p50,
// p99 and what each adds over direct at that rate. (Half of direct's req/s would be above every
// proxy's capacity, so what they add there is their queue, not their latency.) Then the CPU each
// proxy's process spends per request (utime + stime from /proc/PID/stat over the run, less what
// the process spends idle in as long, divided by the responses served) at a fixed rate below
// http-proxy's saturation (half of its full-load req/s; a proxy slower than that serves what it
// keeps up with): a cost that other work on a shared machine does not change, unlike
// req/s, so the ratio of two proxies' CPU per request holds when the machine is loaded ("direct"
// is the backend's own CPU per request). Each measurement is the median of several rounds whose
// order rotates, so a load change on the shared machine does not fall on one proxy alone. Myco's instances
// here are the two backends: its services run a placeholder process per instance (the backends
// are started by the benchmark, so every proxy talks to the very same processes).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./harness.ts";
import { freePorts } from "../host/tools/free-ports.ts";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const MYCO = here("../host/cli/myco.js");
const CONNECTIONS = 16;
/** The label of node:http + undici alone (bench/proxies/undici-floor.cjs). */
export const FLOOR = "node:http + undici (floor)";
const DURATION_S = 3;
const WARMUP_S = 1;
/**
 * Rounds over all targets, in a rotating order; each target's median is reported (the machine is
 * shared: load drifts). One process's req/s moved by a quarter between 3 s rounds of an A/B run,
 * so the full-load and latency runs take five; CPU per request moves less and takes three.
 */
const ROUNDS = 5;
const CPU_ROUNDS = 3;
/** Seconds of each CPU-per-request run (long enough for many clock ticks of CPU). */
const CPU_DURATION_S = 5;
/** Seconds each proxy process is watched idle before the CPU runs (its idle CPU is not counted per request). */
const IDLE_S = 2;

/** Clock ticks per second of /proc/PID/stat's utime and stime. */
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** CPU seconds (user + system) the process has used so far, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime (14th), stime (15th)
}

interface Load { rps: number; p50: number; p99: number; samples: number; errors: number; non2xx: number }
interface Target {
  label: string; url: string;
  /** The process that serves it (whose CPU is measured). */ pid: number;
  /** CPU seconds per second the process spends with no requests (its timers: Myco's kernel tick, say), taken off its CPU per request. */
  idleCpuPerS?: number;
}

/** CPU seconds per second `pid` uses while nothing is sent to it, over IDLE_S. */
async function idleCpuPerSecond(pid: number): Promise<number> {
  const before = cpuSeconds(pid), at = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  return (cpuSeconds(pid) - before) / ((performance.now() - at) / 1000);
}

function load(url: string, durationS: number, rate?: number): Promise<Load> {
  const args = ["--import", "tsx", here("./proxies/load.ts"), url, String(CONNECTIONS), String(durationS), ...(rate ? [String(Math.round(rate))] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => { out += chunk; });
  return new Promise((resolve, reject) => child.once("exit", (code) => {
    if (code === 0) resolve(JSON.parse(out) as Load); else reject(new Error(`the load generator against ${url} exited with ${code}`));
  }));
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

const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];

/** One load run with the CPU its target's process used per response served (µs). */
async function measured(t: Target, durationS: number, rate?: number): Promise<Load & { cpuUs: number }> {
  const before = cpuSeconds(t.pid), at = performance.now();
  const result = await load(t.url, durationS, rate);
  const idle = (t.idleCpuPerS ?? 0) * ((performance.now() - at) / 1000);
  return { ...result, cpuUs: (Math.max(0, cpuSeconds(t.pid) - before - idle) * 1e6) / Math.max(1, result.samples) };
}

/** Each target loaded `count` times, the order rotating by one every round; the medians per target. */
async function rounds(targets: Target[], rate?: number, durationS = DURATION_S, count = ROUNDS): Promise<Map<string, Load & { cpuUs: number }>> {
  const runs = new Map<string, (Load & { cpuUs: number })[]>(targets.map((t) => [t.label, []]));
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + round) % targets.length];
      runs.get(t.label)!.push(await measured(t, durationS, rate));
    }
  }
  return new Map([...runs].map(([label, ls]) => [label, {
    cpuUs: median(ls.map((l) => l.cpuUs)),
    rps: median(ls.map((l) => l.rps)), p50: median(ls.map((l) => l.p50)), p99: median(ls.map((l) => l.p99)),
    samples: ls.reduce((n, l) => n + l.samples, 0), errors: ls.reduce((n, l) => n + l.errors, 0), non2xx: ls.reduce((n, l) => n + l.non2xx, 0),
  }]));
}

function manifest(backends: number[], http: number, tcp: number): string {
  const placeholder = `command: ${JSON.stringify(process.execPath)}\n      args: ["-e", "setInterval(() => {}, 1 << 30)"]\n      ready: 100ms`;
  const instances = `instances: { count: ${backends.length}, addresses: [${backends.map((p) => `"127.0.0.1:${p}"`).join(", ")}] }`;
  return `
services:
  web:
    ${instances}
    balance: { strategy: round-robin }
    run:
      allow-root: true
      ${placeholder}
      gateway: { port: ${http} }
  web-tcp:
    ${instances}
    balance: { strategy: round-robin }
    run:
      allow-root: true
      ${placeholder}
      gateway: { mode: tcp, port: ${tcp} }
`;
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "myco-bench-gw-"));
  const [b0, b1, relayPort, httpProxyPort, fastifyPort, floorPort, mycoHttp, mycoTcp] = await freePorts(8);
  const backends = [b0, b1];
  const up = backends.join(",");
  writeFileSync(join(dir, "services.yaml"), manifest(backends, mycoHttp, mycoTcp));
  const children: ChildProcess[] = [];
  const start = (script: string, port: number): number => {
    const child = spawn(process.execPath, [here(`./proxies/${script}`)], { env: { ...process.env, PORT: String(port), UP: up }, stdio: "ignore" });
    children.push(child);
    return child.pid!;
  };
  const [backendPid] = backends.map((port) => start("backend.cjs", port));
  const myco = spawn(process.execPath, [MYCO, "run", join(dir, "services.yaml"), "--duration", "3600s", "--socket", join(dir, "control.sock"), "--status-every", "1h"], { stdio: "ignore" });
  const targets: Target[] = [
    { label: "direct", url: `http://127.0.0.1:${b0}/`, pid: backendPid },
    { label: "tcp relay", url: `http://127.0.0.1:${relayPort}/`, pid: start("relay.cjs", relayPort) },
    { label: "http-proxy", url: `http://127.0.0.1:${httpProxyPort}/`, pid: start("http-proxy.cjs", httpProxyPort) },
    { label: "@fastify/http-proxy", url: `http://127.0.0.1:${fastifyPort}/`, pid: start("fastify-proxy.cjs", fastifyPort) },
    { label: FLOOR, url: `http://127.0.0.1:${floorPort}/`, pid: start("undici-floor.cjs", floorPort) },
    { label: "myco http", url: `http://127.0.0.1:${mycoHttp}/`, pid: myco.pid! },
    { label: "myco tcp", url: `http://127.0.0.1:${mycoTcp}/`, pid: myco.pid! },
  ];
  const loadAtStart = loadavg()[0];
  try {
    for (const t of targets) await waitForOk(t.url, 20_000);
    for (const t of targets) await load(t.url, WARMUP_S);
    const full = await rounds(targets);
    const half = full.get("myco http")!.rps / 2;
    const paced = await rounds(targets, half);
    const cpuRate = full.get("http-proxy")!.rps / 2;
    for (const t of targets) t.idleCpuPerS = await idleCpuPerSecond(t.pid);
    const cpu = await rounds(targets, cpuRate, CPU_DURATION_S, CPU_ROUNDS);
    const direct = paced.get("direct")!;
    for (const t of targets) {
      const f = full.get(t.label)!, p = paced.get(t.label)!;
      console.error(`${t.label.padEnd(20)} ${f.rps.toFixed(0).padStart(6)} req/s (p50 ${f.p50.toFixed(3)} ms, p99 ${f.p99.toFixed(3)} ms, ${f.errors} errors, ${f.non2xx} non-2xx)`
        + ` | at ${half.toFixed(0)} req/s: p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, adds p50 ${(p.p50 - direct.p50).toFixed(3)} ms, p99 ${(p.p99 - direct.p99).toFixed(3)} ms`
        + ` | at ${cpuRate.toFixed(0)} req/s: ${cpu.get(t.label)!.cpuUs.toFixed(1)} µs CPU per request, p50 ${cpu.get(t.label)!.p50.toFixed(3)} ms, p99 ${cpu.get(t.label)!.p99.toFixed(3)} ms`);
    }
    return [...rows(full, paced, half), ...cpuRows(cpu, cpuRate), ...[["start", loadAtStart], ["end", loadavg()[0]]].map(([when, value]) => ({
      name: `gateway bench conditions: 1-minute load average at its ${when}`, unit: "load", value: value as number, peer: null, peerValue: null, ratio: null,
    }))];
  } finally {
    for (const child of children) child.kill("SIGKILL");
    if (myco.exitCode === null && myco.signalCode === null) {
      myco.kill("SIGTERM");
      await new Promise((done) => myco.once("exit", done));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function rows(full: Map<string, Load>, paced: Map<string, Load>, half: number): BenchRow[] {
  const rps = (label: string) => full.get(label)!.rps;
  const name = `gateway, 2 backends, ${CONNECTIONS} connections`;
  const throughput = (mine: string, peer: string): BenchRow => ({
    name: `${name}: ${mine} requests/s`, unit: "req/s", value: rps(mine), peer, peerValue: rps(peer), ratio: rps(mine) / rps(peer),
  });
  const out: BenchRow[] = [
    throughput("myco http", "http-proxy"),
    throughput("myco http", "@fastify/http-proxy"),
    throughput("myco http", "direct"),
    throughput("myco http", FLOOR),
    throughput(FLOOR, "http-proxy"),
    throughput("myco tcp", "tcp relay"),
  ];
  const direct = paced.get("direct")!;
  for (const [label, load] of paced) {
    out.push({ name: `${name}: ${label} requests/s at half load`, unit: "req/s", value: load.rps, peer: null, peerValue: null, ratio: null });
    if (label === "direct") continue;
    for (const p of ["p50", "p99"] as const) {
      out.push({ name: `${name}: ${label} added latency ${p} at half load`, unit: "ms", value: load[p] - direct[p], peer: null, peerValue: null, ratio: null });
    }
  }
  out.push({ name: `${name}: half load (half of myco http's full-load requests/s)`, unit: "req/s", value: half, peer: null, peerValue: null, ratio: null });
  for (const [label, load] of full) out.push({ name: `${name}: ${label} requests/s at full load`, unit: "req/s", value: load.rps, peer: null, peerValue: null, ratio: null });
  return out;
}

/** CPU per request of each proxy's process at `rate`, and the ratios (peer's CPU / Myco's: > 1, Myco spends less). */
function cpuRows(cpu: Map<string, Load & { cpuUs: number }>, rate: number): BenchRow[] {
  const name = `gateway CPU per request, 2 backends, ${CONNECTIONS} connections`;
  const us = (label: string) => cpu.get(label)!.cpuUs;
  const ratio = (mine: string, peer: string): BenchRow => ({
    name: `${name}: ${mine} (proxy process utime+stime / responses)`, unit: "µs", value: us(mine), peer, peerValue: us(peer), ratio: us(peer) / us(mine),
  });
  const out: BenchRow[] = [
    ratio("myco http", "http-proxy"),
    ratio("myco http", "@fastify/http-proxy"),
    ratio("myco http", FLOOR),
    ratio(FLOOR, "http-proxy"),
    ratio("myco tcp", "tcp relay"),
    { name: `${name}: offered rate (half of http-proxy's full-load requests/s)`, unit: "req/s", value: rate, peer: null, peerValue: null, ratio: null },
  ];
  for (const [label, load] of cpu) {
    out.push({ name: `${name}: ${label} CPU per request`, unit: "µs", value: load.cpuUs, peer: null, peerValue: null, ratio: null });
    out.push({ name: `${name}: ${label} requests/s at the offered rate`, unit: "req/s", value: load.rps, peer: null, peerValue: null, ratio: null });
    for (const p of ["p50", "p99"] as const) out.push({ name: `${name}: ${label} ${p} at the offered rate`, unit: "ms", value: load[p], peer: null, peerValue: null, ratio: null });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
