// The host's own cost while it supervises 50 idle services (issue 12): `myco run` against pm2
// 7.0.4 supervising the same 50 processes (`sleep`, so the services themselves cost nothing).
// Each supervisor starts the 50, and once all run its CPU time (utime + stime from
// /proc/PID/stat) and resident memory (VmRSS, sampled every second) are read over the window
// (60 s; `--seconds N` when run directly, or MYCO_OVERHEAD_SECONDS, for trying it).
//   CPU     the supervisor's whole process tree minus the services: for `myco run` the node
//           process, its per-service guard shells (they SIGKILL a service's process group if
//           the host dies) and any helper it keeps (tsx's esbuild service); for pm2 its God
//           daemon (the `pm2` command exits once it has handed the apps over)
//   memory  the supervisor process's mean RSS (`myco run`'s node process, pm2's God daemon);
//           the guard shells' proportional share (PSS: their pages are mostly the shell's,
//           shared) is a row of its own
// Each is stopped afterwards (SIGINT for myco, `pm2 kill` with PM2_HOME in a temporary
// directory) and nothing is left running.
//   goal (bench/goals.ts): at most half of pm2's CPU and of its memory.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { lowerIsBetter, type BenchRow } from "./harness.ts";
import { buildLinux } from "../targets/linux/tools/build.ts";

const SERVICES = 50;
const root = fileURLToPath(new URL("../", import.meta.url));
const pm2Bin = join(root, "node_modules/pm2/bin/pm2");
const PM2 = "pm2 7.0.4 (its God daemon)";
/** The kernel's clock ticks per second for /proc/PID/stat times (getconf CLK_TCK). */
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

interface Proc { pid: number; ppid: number; comm: string; ticks: number; rssKiB: number }

/** Proportional set size (KiB): a page shared by n processes counts 1/n in each. */
function pssKiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")"); // the command name may hold spaces and parentheses
    const fields = stat.slice(close + 2).split(" "); // fields[0] is field 3 (state)
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { pid, ppid: Number(fields[1]), comm: stat.slice(stat.indexOf("(") + 1, close), ticks: Number(fields[11]) + Number(fields[12]), rssKiB: rss ? Number(rss[1]) : 0 };
  } catch {
    return null; // it exited meanwhile
  }
}

/** The supervisor and its descendants, split into the services (`sleep`) and its own processes. */
function tree(pid: number): { own: Proc[]; services: Proc[] } {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => readProc(Number(d))).filter((p): p is Proc => p !== null);
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!inTree.has(p.pid) && inTree.has(p.ppid)) { inTree.add(p.pid); grew = true; }
  }
  const members = all.filter((p) => inTree.has(p.pid));
  return { own: members.filter((p) => p.comm !== "sleep"), services: members.filter((p) => p.comm === "sleep") };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`overhead bench: ${what} within ${timeoutMs / 1000} s`);
    await pause(200);
  }
}

interface Cost { cpuPercent: number; rssMiB: number; helpersPssMiB: number; processes: number; servicePids: number[] }

/** Once `pid` supervises all services: its own CPU over `seconds` and its mean RSS. */
async function measure(pid: number, seconds: number, label: string): Promise<Cost> {
  await waitFor(`${label} did not start ${SERVICES} services`, () => tree(pid).services.length === SERVICES);
  await pause(2000); // let the start settle: what is measured is supervising, not spawning
  const first = tree(pid);
  const ticksAt = new Map(first.own.map((p) => [p.pid, p.ticks]));
  const rss: number[] = [];
  for (let s = 0; s < seconds; s++) {
    await pause(1000);
    rss.push(readProc(pid)?.rssKiB ?? 0);
  }
  const last = tree(pid);
  if (last.services.length !== SERVICES) throw new Error(`overhead bench: ${label} supervises ${last.services.length} services, not ${SERVICES}`);
  const ticks = last.own.reduce((sum, p) => sum + p.ticks - (ticksAt.get(p.pid) ?? 0), 0);
  return {
    cpuPercent: (100 * ticks) / TICKS / seconds,
    rssMiB: rss.reduce((a, b) => a + b, 0) / rss.length / 1024,
    helpersPssMiB: last.own.filter((p) => p.pid !== pid).reduce((sum, p) => sum + pssKiB(p.pid), 0) / 1024,
    processes: last.own.length,
    servicePids: last.services.map((p) => p.pid),
  };
}

/** Every service the supervisor ran is gone (a bench never leaves processes behind). */
async function allGone(pids: number[], label: string): Promise<void> {
  const alive = () => pids.filter((pid) => readProc(pid)?.comm === "sleep");
  try {
    await waitFor(`${label} left services running`, () => alive().length === 0, 15_000);
  } catch (error) {
    for (const pid of alive()) process.kill(pid, "SIGKILL");
    throw error;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

async function mycoRun(dir: string, seconds: number): Promise<Cost> {
  const manifest = join(dir, "services.yaml");
  const services = Array.from({ length: SERVICES }, (_, i) => `  idle-${i}:\n    run: { allow-root: true, command: sleep, args: ["3600"] }\n`);
  writeFileSync(manifest, `version: 1\nserial: 1\nservices:\n${services.join("")}`);
  const child = spawn(process.execPath, [join(root, "host/cli/myco.js"), "run", manifest, "--socket", join(dir, "control.sock")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", () => {}); // the status table: drained, as a log collector would
  child.stderr!.on("data", (d: Buffer) => { output += d; });
  try {
    const cost = await measure(child.pid!, seconds, "myco run");
    child.kill("SIGINT");
    await exited(child);
    await allGone(cost.servicePids, "myco run");
    return cost;
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${output}`);
  }
}

async function pm2Run(dir: string, seconds: number): Promise<Cost> {
  const home = join(dir, "pm2");
  const env = { ...process.env, PM2_HOME: home };
  const apps = Array.from({ length: SERVICES }, (_, i) => `  { name: "idle-${i}", script: "sleep", args: "3600", interpreter: "none", autorestart: true },`);
  const ecosystem = join(dir, "ecosystem.config.cjs");
  writeFileSync(ecosystem, `module.exports = { apps: [\n${apps.join("\n")}\n] };\n`);
  execFileSync(process.execPath, [pm2Bin, "start", ecosystem], { env, stdio: "ignore" });
  const god = Number(readFileSync(join(home, "pm2.pid"), "utf8"));
  try {
    const cost = await measure(god, seconds, "pm2");
    execFileSync(process.execPath, [pm2Bin, "kill"], { env, stdio: "ignore" });
    await waitFor("pm2's God daemon did not exit", () => readProc(god) === null || readProc(god)!.comm.includes("defunct"), 15_000);
    await allGone(cost.servicePids, "pm2");
    return cost;
  } catch (error) {
    try { execFileSync(process.execPath, [pm2Bin, "kill"], { env, stdio: "ignore" }); } catch { /* it is gone */ }
    if (readProc(god) !== null) process.kill(god, "SIGKILL");
    throw error;
  }
}

/**
 * The native Linux host (targets/linux: the same kernel as C, an epoll loop, no guard shells)
 * supervising the same 50 services from the blob `myco compile` writes; its CPU and RSS against
 * pm2's. Its whole tree minus the services is the one process.
 */
async function nativeRows(dir: string, seconds: number, pm2: Cost, prefix: string): Promise<BenchRow[]> {
  const { executable } = await buildLinux();
  const manifest = join(dir, "native.yaml");
  const blob = join(dir, "native.myco");
  const services = Array.from({ length: SERVICES }, (_, i) => `  idle-${i}:\n    run: { allow-root: true, command: sleep, args: ["3600"] }\n`);
  writeFileSync(manifest, `version: 1\nserial: 1\nservices:\n${services.join("")}`);
  execFileSync(process.execPath, [join(root, "host/cli/myco.js"), "compile", manifest, "-o", blob], { stdio: "ignore" });
  const child = spawn(executable, ["run", blob], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr!.on("data", (d: Buffer) => { output += d; });
  let native: Cost;
  try {
    native = await measure(child.pid!, seconds, "myco-linux");
    child.kill("SIGINT");
    await exited(child);
    await allGone(native.servicePids, "myco-linux");
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  const tick = 100 / TICKS / seconds;
  const cpu = lowerIsBetter(`${prefix}: myco native host (targets/linux) CPU (% of one core)`, "%", native.cpuPercent, PM2, pm2.cpuPercent);
  cpu.ratio = Math.max(pm2.cpuPercent, tick) / Math.max(native.cpuPercent, tick); // as the myco run row: a 0-tick window counts one tick
  return [cpu, lowerIsBetter(`${prefix}: myco native host (targets/linux) memory (mean RSS)`, "MiB", native.rssMiB, PM2, pm2.rssMiB)];
}

function windowSeconds(): number {
  const flag = process.argv.indexOf("--seconds");
  const value = flag >= 0 ? process.argv[flag + 1] : process.env.MYCO_OVERHEAD_SECONDS ?? "60";
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`overhead bench: --seconds '${value}' is not a whole number of seconds >= 1`);
  return seconds;
}

export async function run(): Promise<BenchRow[]> {
  if (process.platform !== "linux") throw new Error("overhead bench: it reads /proc (Linux only)");
  const seconds = windowSeconds();
  const dir = mkdtempSync(join(tmpdir(), "myco-overhead-"));
  try {
    const myco = await mycoRun(dir, seconds);
    const pm2 = await pm2Run(dir, seconds);
    const tick = (100 / TICKS / seconds); // one clock tick over the window: the CPU's resolution
    const prefix = `supervising ${SERVICES} idle services`;
    const cpu = lowerIsBetter(`${prefix}: myco run CPU, host process and its guards (% of one core)`, "%", myco.cpuPercent, PM2, pm2.cpuPercent);
    // a window with no tick at all reads 0: count it as one tick so the ratio stays finite
    cpu.ratio = Math.max(pm2.cpuPercent, tick) / Math.max(myco.cpuPercent, tick);
    return [
      cpu,
      lowerIsBetter(`${prefix}: myco run memory, host process (mean RSS)`, "MiB", myco.rssMiB, PM2, pm2.rssMiB),
      { name: `${prefix}: myco run memory, its ${myco.processes - 1} helper process(es) (guards; PSS)`, unit: "MiB", value: myco.helpersPssMiB, peer: null, peerValue: null, ratio: null },
      { name: `${prefix}: window sampled`, unit: "s", value: seconds, peer: null, peerValue: null, ratio: null },
      ...(await nativeRows(dir, seconds, pm2, prefix)),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await run()) {
    const peer = row.peer === null ? "" : `; ${row.peer}: ${row.peerValue!.toFixed(3)} ${row.unit}; ratio ${row.ratio!.toFixed(2)}x`;
    console.log(`${row.name}: ${row.value.toFixed(3)} ${row.unit}${peer}`);
  }
}
