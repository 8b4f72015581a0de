// The README's and targets/README.md's numbers, generated from bench/results.json: each
// block between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` is rendered here from the rows
// of the last full run, never typed by hand. `npm run bench` rewrites the blocks after a full
// run; `tsx bench/report.ts` rewrites them from the results file as it is;
// test/bench/report.test.ts fails when a block differs from its rendering.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./harness.ts";
import { GOALS, goalMet } from "./goals.ts";
import { FLOOR } from "./gateway.bench.ts";

export const RESULTS = fileURLToPath(new URL("./results.json", import.meta.url));
export const DOCUMENTS = ["README.md", "targets/README.md"].map((p) => fileURLToPath(new URL(`../${p}`, import.meta.url)));

/** 3 significant digits, thousands separated: 0.904, 74.2, 3,460. */
export function fmt(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(3)).toString();
}
const x = (ratio: number | null) => (ratio === null ? "" : `${fmt(ratio)}x`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const count = (n: number) => Math.round(n).toLocaleString("en-US");

class Rows {
  constructor(readonly rows: BenchRow[]) {}
  /** The row with this name (and peer): a missing row is an error, not a blank in the README. */
  get(name: string | RegExp, peer?: string): BenchRow {
    const found = this.rows.find((r) => (typeof name === "string" ? r.name === name : name.test(r.name)) && (peer === undefined || r.peer === peer));
    if (!found) throw new Error(`bench/results.json has no row '${name}'${peer ? ` with peer '${peer}'` : ""}: run npm run bench`);
    return found;
  }
  value(name: string | RegExp, peer?: string): number { return this.get(name, peer).value; }
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

const PROFILES = ["release", "mcu", "bench", "debug"];

function profiles(r: Rows): string {
  return table(["profile", "services", ".wasm", "fixed memory", "tables reserved at init", "spare"], PROFILES.map((p) => {
    const memory = r.get(new RegExp(`^${p} memory \\(fixed, \\d+ pages\\)$`));
    const pages = /(\d+) pages/.exec(memory.name)![1];
    const used = r.value(`${p} tables reserved at init`);
    return [`\`${p}\``, count(r.value(`${p} capacity: services`)), `${fmt(r.value(`${p} .wasm size`))} KiB`,
      `${pages} page${pages === "1" ? "" : "s"}, ${fmt(memory.value)} KiB`, `${fmt(used)} KiB`, `${fmt(memory.value - used)} KiB`];
  }));
}

function foundation(r: Rows): string {
  const sizes = r.rows.filter((row) => /^order \d+ services \d+ edges$/.test(row.name) && row.peer === "dependency-graph");
  const body = sizes.map((dg) => {
    const ts = r.get(dg.name, "toposort");
    const [, n, edges] = /^order (\d+) services (\d+) edges$/.exec(dg.name)!;
    return [`order ${n} services, ${edges} edges`, `${fmt(dg.value)} ms`, `dependency-graph ${fmt(dg.peerValue!)} ms / toposort ${fmt(ts.peerValue!)} ms`,
      `${x(dg.ratio)} / ${x(ts.ratio)}`];
  });
  body.push(["time(8192) / time(4096)", fmt(r.value("order scaling time(8192)/time(4096)")), "", ""]);
  return [
    table(["benchmark", "Myco", "peer", "ratio"], body),
    "",
    `Registering one service from JS costs ${fmt(r.value("order: register one service from JS (4096 after a reset)"))} ns ` +
      `(${count(r.value("native C (callgrind): register a service"))} instructions in the native C build), and the \`reset()\` ` +
      `between runs ${fmt(r.value("order: reset() of the bench profile"))} ms in the bench profile.`,
  ].join("\n");
}

function health(r: Rows): string {
  const tick = r.get(/^health: tick, nothing due, 4096 services/);
  return table(["benchmark", "value"], [
    ["`tick` with nothing due, each service with an armed check and watchdog: 16 vs 4096 services",
      `${fmt(tick.peerValue!)} ns vs ${fmt(tick.value)} ns (${fmt(tick.value / tick.peerValue!)}x the time)`],
    ["one check round trip (due, run-check out, result in), 16 / 4096 services",
      `${fmt(r.value("health: one check round trip, 16 services"))} / ${fmt(r.value("health: one check round trip, 4096 services"))} ns`],
  ]);
}

function pair(r: Rows, name: (n: number) => string, peer: string): { mine: string; theirs: string; ratio: string } {
  const rows = [8, 64].map((n) => r.get(name(n), peer));
  return {
    mine: rows.map((row) => fmt(row.value)).join(" / "),
    theirs: rows.map((row) => fmt(row.peerValue!)).join(" / "),
    ratio: rows.map((row) => x(row.ratio)).join(" / "),
  };
}

function balancePeers(r: Rows): string {
  const lines: string[][] = [];
  const add = (what: string, name: (n: number) => string, peer: string, peerLabel: string) => {
    const p = pair(r, name, peer);
    lines.push([what, `${p.mine} ns`, `${peerLabel} ${p.theirs} ns`, p.ratio]);
  };
  add("consistent-hash lookup of distinct string keys, 8 / 64 instances", (n) => `balance consistent-hash lookup of distinct string keys, ${n} instances`,
    "hashring get", "hashring (md5 per key; every key misses its 5,000-key cache)");
  add("consistent-hash lookup of 1,000 repeating keys, 8 / 64 instances", (n) => `balance consistent-hash lookup of 1000 repeating string keys, ${n} instances`,
    "hashring get (cache hits)", "hashring (every key hits its LRU cache)");
  add("IP-hash pick from the address text, 8 / 64 instances", (n) => `balance ip-hash pick of distinct IPv4 client addresses (text), ${n} instances`,
    "hashring get", "hashring (md5, cache misses)");
  add("random pick, 8 / 64", (n) => `balance random pick, ${n} instances, typed host API`, "loadbalance random", "loadbalance random");
  add("weighted random, 8 / 64", (n) => `balance random (weighted) pick, ${n} instances, typed host API`, "loadbalance random (weighted)", "loadbalance weighted random");
  add("round robin, 8 / 64", (n) => `balance round-robin pick, ${n} instances, typed host API`, "loadbalance roundRobin", "loadbalance roundRobin (an array index)");
  add("smooth weighted round robin (exact nginx), 8 / 64", (n) => `balance weighted-round-robin (weighted) pick, ${n} instances, typed host API`,
    "loadbalance roundRobin (weighted)", "loadbalance (a pre-expanded array)");
  const breaker = "balance breaker bookkeeping per call (request started + finished)";
  for (const [peer, label] of [
    ["opossum fire(no-op)", "opossum `fire()` (asynchronous: a promise per call; opossum has no synchronous call)"],
    ["cockatiel execute(no-op)", "cockatiel `execute()` (asynchronous: a promise per call)"],
    ["cockatiel CountBreaker success() (synchronous)", "cockatiel `CountBreaker.success()` (its synchronous core, no policy around it)"],
  ]) {
    const row = r.get(breaker, peer);
    lines.push(["breaker bookkeeping per call (request started + finished)", `${fmt(row.value)} ns`, `${label} ${fmt(row.peerValue!)} ns`, x(row.ratio)]);
  }
  const floor = r.value("balance boundary floor: an exported no-op called from JS (median of the pairings)");
  const oneArgument = r.value("balance boundary floor: a trivial export with one i32 argument and result (serviceState)");
  return [
    `Load balancing (ns per pick across the JS->WASM boundary unless said otherwise; the no-op export costs ${fmt(floor)} ns, ` +
      `a one-argument export ${fmt(oneArgument)} ns):`,
    "",
    table(["benchmark", "Myco", "peer (what it does by default)", "ratio"], lines),
  ].join("\n");
}

const STRATEGIES = ["round-robin", "least-connections", "least-connections (two choices)", "weighted-round-robin", "weighted-least-connections",
  "weighted-least-connections (two choices)", "random", "ip-hash", "consistent-hash", "fastest-response", "health-based"];

function balanceStrategies(r: Rows): string {
  const at = (s: string, n: number, how: string) => r.value(new RegExp(`^balance ${s.replace(/[()]/g, "\\$&")} pick, ${n} instances, ${how}`));
  return table(["strategy", "across the boundary, 8 / 64", "kernel batch loop, 8 / 64"], STRATEGIES.map((s) => [s,
    `${fmt(at(s, 8, "across the boundary"))} / ${fmt(at(s, 64, "across the boundary"))} ns`,
    `${fmt(at(s, 8, "kernel batch loop"))} / ${fmt(at(s, 64, "kernel batch loop"))} ns`]));
}

const GATEWAY_TARGETS = ["direct", "tcp relay", "http-proxy", "@fastify/http-proxy", FLOOR, "myco http", "myco tcp"];

function gateway(r: Rows): string {
  const prefix = r.rows.find((row) => /^gateway, \d+ backends, \d+ connections: /.test(row.name))?.name.replace(/: .*$/, "");
  if (!prefix) throw new Error("bench/results.json has no row 'gateway, N backends, N connections: ...'");
  const half = r.value(`${prefix}: half load (half of myco http's full-load requests/s)`);
  const lines = GATEWAY_TARGETS.map((label) => {
    const added = (p: string) => (label === "direct" ? "" : `${fmt(r.value(`${prefix}: ${label} added latency ${p} at half load`))} ms`);
    return [label, `${count(r.value(`${prefix}: ${label} requests/s at full load`))} req/s`, `${count(r.value(`${prefix}: ${label} requests/s at half load`))} req/s`, added("p50"), added("p99")];
  });
  const ratio = (mine: string, peer: string) => `${fmt(r.get(`${prefix}: ${mine} requests/s`, peer).ratio!)}x ${peer}`;
  return [
    `${prefix}, each measured alone in one run; latency added over direct at ${count(half)} req/s offered evenly (half of Myco HTTP's full-load req/s):`,
    "",
    table(["proxy", "requests/s", "at half load (what it kept up with)", "adds p50", "adds p99"], lines),
    "",
    `Myco HTTP: ${ratio("myco http", "http-proxy")}, ${ratio("myco http", "@fastify/http-proxy")}, ${ratio("myco http", "direct")}, ` +
      `${ratio("myco http", FLOOR)}; Myco L4: ${ratio("myco tcp", "tcp relay")}. ${FLOOR} alone: ${ratio(FLOOR, "http-proxy")}. The machine's 1-minute load average was ` +
      `${fmt(r.value("gateway bench conditions: 1-minute load average at its start"))} at the start of this benchmark and ` +
      `${fmt(r.value("gateway bench conditions: 1-minute load average at its end"))} at its end.`,
    "",
    gatewayCpu(r),
  ].join("\n");
}

/** The CPU each proxy's process spends per request at a fixed rate below saturation (bench/gateway.bench.ts). */
function gatewayCpu(r: Rows): string {
  const prefix = r.rows.find((row) => /^gateway CPU per request, \d+ backends, \d+ connections: /.test(row.name))?.name.replace(/: .*$/, "");
  if (!prefix) throw new Error("bench/results.json has no row 'gateway CPU per request, N backends, N connections: ...'");
  const lines = GATEWAY_TARGETS.map((label) => [label === "direct" ? "direct (the backend itself)" : label,
    `${fmt(r.value(`${prefix}: ${label} CPU per request`))} µs`, `${count(r.value(`${prefix}: ${label} requests/s at the offered rate`))} req/s`, `${fmt(r.value(`${prefix}: ${label} p50 at the offered rate`))} ms`,
    `${fmt(r.value(`${prefix}: ${label} p99 at the offered rate`))} ms`]);
  const ratio = (mine: string, peer: string) => `${fmt(r.get(`${prefix}: ${mine} (proxy process utime+stime / responses)`, peer).ratio!)}x against ${peer}`;
  return [
    `${prefix}: the proxy process's utime + stime (/proc/PID/stat) over the run, less what it spends idle in as long, divided by the responses served, ` +
      `at ${count(r.value(`${prefix}: offered rate (half of http-proxy's full-load requests/s)`))} req/s offered (half of http-proxy's full-load req/s), ` +
      "the median of three 5 s rounds; other work on the machine slows a process but does not add to its CPU per request:",
    "",
    table(["process", "CPU per request", "served", "p50", "p99"], lines),
    "",
    `The peer's CPU per request over Myco's (> 1: Myco spends less): Myco HTTP ${ratio("myco http", "http-proxy")}, ${ratio("myco http", "@fastify/http-proxy")}, ` +
      `${ratio("myco http", FLOOR)}; Myco L4 ${ratio("myco tcp", "tcp relay")}; ${FLOOR} alone ${ratio(FLOOR, "http-proxy")}. At a rate this low each round sees few clock ticks of CPU (10 ms each), so these ratios carry that grain.`,
  ].join("\n");
}

function breaker(r: Rows): string {
  const one = "breaker per call, Myco typed one-call API (pass: report + next permit)";
  const two = "breaker per call, Myco typed API (acquire + report)";
  const lines = r.rows.filter((row) => row.name === one || row.name === two).map((row) => [
    row.name === one ? "`pass()`: one kernel call" : "`acquire()` + `report()`", `${fmt(row.value)} ns`, `${row.peer} ${fmt(row.peerValue!)} ns`, `${fmt(row.ratio!)}x`,
  ]);
  return table(["Myco", "ns per call", "peer", "ratio"], lines);
}

function fleet(r: Rows): string {
  const name = /^fleet: agent SIGKILL to its service running elsewhere/;
  const k8s = r.get(name, "Kubernetes default eviction (300 s)");
  const nomad = r.get(name, "Nomad heartbeat grace (10 s)");
  const trips = r.get("fleet: etcd round trips of the leader per 1,000 placements");
  return `A SIGKILLed agent's service runs on another node after ${fmt(k8s.value)} s (median of 5, lease TTL 3 s): ` +
    `${fmt(k8s.ratio!)}x sooner than Kubernetes' default eviction (${count(k8s.peerValue!)} s) and ${fmt(nomad.ratio!)}x sooner than ` +
    `Nomad's heartbeat grace (${count(nomad.peerValue!)} s). The leader spent ${count(trips.value)} etcd round trips ` +
    `(${count(r.value("fleet: write transactions per 1,000 placements"))} fenced write transactions) on 1,000 placements, against ` +
    `${count(trips.peerValue!)} for one transaction each, at ${count(r.value("fleet: placements into etcd, end to end"))} placements/s into etcd end to end.`;
}

const callgrind = (r: Rows) => r.rows.filter((row) => row.name.startsWith("native C (callgrind): "));

function targetsSummary(r: Rows): string {
  const ops = callgrind(r).map((row) => `${row.name.slice("native C (callgrind): ".length)} ${count(row.value)}`);
  const image = (board: string, profile: string, what: string) => r.value(new RegExp(`^Cortex-M image ${board} \\(.*\\), ${profile}: ${what}$`));
  const both = (f: (p: string) => string) => ["release", "mcu"].map(f);
  return [
    `Targets (native C build under \`valgrind --tool=callgrind\`, instructions per operation: these counts do not drift): ${ops.join(", ")}.`,
    "",
    table(["artefact", "release", "mcu"], [
      ["core `.wasm`", ...both((p) => kib(r.value(`core .wasm ${p}`)))],
      ["WASI component", kib(r.value("WASI component (release)")), ""],
      ["wasm2c kernel object, x86-64 gcc -O2 / Cortex-M3 -Os",
        ...both((p) => `${kib(r.value(`wasm2c kernel object x86-64 gcc -O2, ${p}`))} / ${kib(r.value(`wasm2c kernel object cortex-m3 -Os, ${p}`))}`)],
      ["Cortex-M3 image flash (kernel's share)",
        ...both((p) => `${kib(image("cortex-m3", p, "flash"))} (${kib(image("cortex-m3", p, "flash, kernel's share"))})`)],
      ["Cortex-M3 image RAM (kernel's share, mostly the wasm memory)",
        ...both((p) => `${kib(image("cortex-m3", p, "RAM"))} (${kib(image("cortex-m3", p, "RAM, kernel's share"))})`)],
    ]),
  ].join("\n");
}

function targetsInstructions(r: Rows): string {
  return table(["operation (native gcc -O2, release profile)", "instructions"],
    callgrind(r).map((row) => [row.name.slice("native C (callgrind): ".length), count(row.value)]));
}

function targetsArtefacts(r: Rows): string {
  const image = (board: string, profile: string, what: string) => r.value(new RegExp(`^Cortex-M image ${board} \\(.*\\), ${profile}: ${what}$`));
  const both = (f: (p: string) => string) => ["release", "mcu"].map(f);
  return table(["artefact", "release", "mcu"], [
    ["core `.wasm`", ...both((p) => `${count(r.value(`core .wasm ${p}`))} B`)],
    ["component (`myco.component.wasm`)", `${count(r.value("WASI component (release)"))} B`, "—"],
    ["wasm2c `kernel.o`, x86-64 gcc -O2 (text + data + bss)", ...both((p) => `${count(r.value(`wasm2c kernel object x86-64 gcc -O2, ${p}`))} B`)],
    ["wasm2c `kernel.o`, Cortex-M3 -Os", ...both((p) => `${count(r.value(`wasm2c kernel object cortex-m3 -Os, ${p}`))} B`)],
    ["Cortex-M3 image flash (kernel's share)", ...both((p) => `${kib(image("cortex-m3", p, "flash"))} (${kib(image("cortex-m3", p, "flash, kernel's share"))})`)],
    ["Cortex-M3 image RAM (kernel's share)", ...both((p) => `${kib(image("cortex-m3", p, "RAM"))} (${kib(image("cortex-m3", p, "RAM, kernel's share"))})`)],
    ["Cortex-M4 image flash / RAM", ...both((p) => `${kib(image("cortex-m4", p, "flash"))} / ${kib(image("cortex-m4", p, "RAM"))}`)],
  ]);
}

const WAITED = "bench conditions: seconds waited for a quiet machine before the suites";

/** The load the run saw, when the results record it. */
function conditions(r: Rows): string[] {
  const has = (name: string) => r.rows.some((row) => row.name === name);
  if (!has("bench conditions: cores")) return [];
  return [`The last full run had ${count(r.value("bench conditions: cores"))} cores and a 1-minute load average of ` +
    `${fmt(r.value("bench conditions: 1-minute load average at the start"))} at its start and ` +
    `${fmt(r.value("bench conditions: 1-minute load average at the end"))} at its end (other work on the machine slows every row)` +
    (has(WAITED) ? `; before the suites it waited ${fmt(r.value(WAITED))} s in all for the cores to be quiet (bench/quiet.ts).` : "."), ""];
}

function goals(r: Rows): string {
  const body = GOALS.map((goal) => {
    const row = r.get(goal.name, goal.peer);
    const measured = goal.field === "ratio" ? row.ratio! : row.value;
    const shown = goal.field === "ratio" ? `${fmt(measured)}x` : `${fmt(measured)} ${row.unit}`;
    return [goal.what, goal.bound, shown, goalMet(goal, measured) ? "met" : "**missed**", `\`${goal.source}\``];
  });
  const missed = GOALS.filter((goal) => {
    const row = r.get(goal.name, goal.peer);
    return !goalMet(goal, goal.field === "ratio" ? row.ratio! : row.value);
  });
  // Peers that beat Myco on some row: listed too (ratio < 1; the boundary floor is not a peer).
  const losses = r.rows.filter((row) => row.ratio !== null && row.ratio < 1 && row.peer !== null && !/export call|same kernel|direct|relay/.test(row.peer))
    .map((row) => `${row.name.replace(/^balance /, "")} against ${row.peer}: ${fmt(row.ratio!)}x`);
  return [
    ...conditions(r),
    table(["goal", "bound", "last run", "", "set in"], body),
    "",
    missed.length === 0 ? "Every goal was met in the last run." : `Missed in the last run: ${missed.map((g) => g.what).join("; ")}.`,
    "",
    losses.length === 0 ? "No peer is faster on any row." : `Rows where the peer is faster (ratio < 1): ${losses.join("; ")}.`,
  ].join("\n");
}

export const BLOCKS: Record<string, (r: Rows) => string> = {
  profiles, foundation, health, "balance-peers": balancePeers, "balance-strategies": balanceStrategies, gateway, breaker, fleet,
  "targets-summary": targetsSummary, goals, "targets-instructions": targetsInstructions, "targets-artefacts": targetsArtefacts,
};

const BLOCK = /(<!-- bench:([\w-]+) -->\n)([\s\S]*?)(<!-- \/bench:\2 -->)/g;

/** The document with every bench block re-rendered from `rows`; an unknown block name is an error. */
export function renderDocument(text: string, rows: BenchRow[]): string {
  const r = new Rows(rows);
  return text.replace(BLOCK, (_, open: string, name: string, _old: string, close: string) => {
    const render = BLOCKS[name];
    if (!render) throw new Error(`unknown bench block '${name}' (bench/report.ts BLOCKS)`);
    return `${open}${render(r)}\n${close}`;
  });
}

/** The names of the blocks a document has. */
export function blockNames(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => m[2]);
}

export function readResults(): BenchRow[] {
  return JSON.parse(readFileSync(RESULTS, "utf8")) as BenchRow[];
}

/** Rewrites the blocks of the README and targets/README.md from `rows`. */
export function writeReports(rows: BenchRow[] = readResults()): void {
  for (const path of DOCUMENTS) {
    const text = readFileSync(path, "utf8");
    const rendered = renderDocument(text, rows);
    if (rendered !== text) writeFileSync(path, rendered);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeReports();
  console.log(`rewrote the bench blocks of ${DOCUMENTS.length} documents from bench/results.json`);
}
