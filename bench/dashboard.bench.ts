// The dashboard's cost (issue 17): `myco run` in its own process supervising 50 services, with
// one service restarted every RESTART_EVERY_MS through the control socket (so every service
// changes state every few seconds and the page has a steady stream of updates). The CPU time of
// the `myco run` process (/proc/PID/stat, user + system) is measured over the same stretch
// with no page open, then with the page open in a headless Chromium. Goal: at most 2 % of one
// core more. And the event-to-page latency: for every event the page receives, the browser's
// clock at arrival minus the event's time in `myco run` (one machine, one clock). Goal: p99 <=
// 250 ms.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./harness.ts";
import { controlRequest } from "../host/supervisor/control-protocol.ts";
import { launchBrowser } from "../test/dashboard/browser.ts";

const MYCO = fileURLToPath(new URL("../host/cli/myco.js", import.meta.url));
const SERVICES = 50;
const RESTART_EVERY_MS = 200;
const PHASE_MS = 15_000;
/** Clock ticks per second of /proc/PID/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // utime, stime (fields 14, 15)
}

function manifest(): string {
  const lines = ["services:"];
  for (let i = 0; i < SERVICES; i++) {
    lines.push(`  s${i}:`, `    instances: 1`, ...(i > 0 ? [`    wants: [s${Math.floor((i - 1) / 3)}]`] : []),
      `    timeouts: { start: 5s, stop: 2s }`, `    run: { allow-root: true, command: sleep, args: ["600"], ready: 50ms }`);
  }
  return `${lines.join("\n")}\n`;
}

async function waitUntil(done: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Restarts the services in turn while `phase` runs; returns the CPU share of `pid` (% of one core). */
async function phase(socket: string, pid: number): Promise<number> {
  let next = 0;
  const timer = setInterval(() => { void controlRequest(socket, { command: "restart", service: `s${next++ % SERVICES}` }).catch(() => {}); }, RESTART_EVERY_MS);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, PHASE_MS));
  const share = ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  clearInterval(timer);
  return share;
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "myco-bench-dash-"));
  writeFileSync(join(dir, "services.yaml"), manifest());
  const socket = join(dir, "control.sock");
  const myco: ChildProcess = spawn(process.execPath, [MYCO, "run", join(dir, "services.yaml"), "--duration", "180s", "--socket", socket, "--status-every", "1h", "--dashboard", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  myco.stdout!.on("data", (chunk: Buffer) => { output += chunk; });
  const browser = await launchBrowser();
  try {
    await waitUntil(async () => /dashboard: http/.test(output), 30_000, "the dashboard URL");
    const url = /dashboard: (http\S+)/.exec(output)![1];
    await waitUntil(async () => {
      const answer = await controlRequest(socket, { command: "status" }).catch(() => null);
      return !!answer?.ok && answer.status!.every((s) => s.state === "running");
    }, 60_000, `${SERVICES} services running`);
    const closed = await phase(socket, myco.pid!);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Every event the page's stream delivers: arrival (browser clock) minus its time in myco run.
    await page.addInitScript(() => {
      const latencies: number[] = [];
      (window as unknown as { latencies: number[] }).latencies = latencies;
      const Native = window.EventSource;
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          this.addEventListener("message", (m) => {
            const now = Date.now();
            for (const e of JSON.parse((m as MessageEvent).data).events) latencies.push(now - e.timeMs);
          });
        }
      };
    });
    await page.goto(url);
    await page.waitForSelector('#connection[data-state="live"]');
    await page.evaluate(() => { (window as unknown as { latencies: number[] }).latencies.length = 0; });
    const open = await phase(socket, myco.pid!);
    const latencies = (await page.evaluate(() => (window as unknown as { latencies: number[] }).latencies)).sort((a, b) => a - b);
    if (latencies.length < 100) throw new Error(`the page received only ${latencies.length} events`);
    const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    const row = (name: string, unit: string, value: number): BenchRow => ({ name, unit, value, peer: null, peerValue: null, ratio: null });
    return [
      row(`dashboard: myco run CPU, ${SERVICES} services restarting, no page`, "% core", closed),
      row(`dashboard: myco run CPU, ${SERVICES} services restarting, page open`, "% core", open),
      row("dashboard: CPU added by the open page (goal <= 2)", "% core", open - closed),
      row(`dashboard: event-to-page latency p50 (${latencies.length} events)`, "ms", at(0.5)),
      row("dashboard: event-to-page latency p99 (goal <= 250)", "ms", at(0.99)),
    ];
  } finally {
    await browser.close();
    myco.kill("SIGTERM");
    await new Promise((r) => myco.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
