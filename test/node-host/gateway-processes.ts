// Upstreams in their own processes for the gateway tests (fixtures/upstream.cjs): real servers
// that can be killed mid-request, with what each received readable from its output.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "./helpers.ts";
import { rig, type Rig, type RigOptions } from "./gateway-helpers.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/upstream.cjs", import.meta.url));

export interface UpstreamProcess {
  child: ChildProcess;
  port: number;
  /** Lines it printed: "got /path" per HTTP request, "connected" per TCP connection. */
  lines: string[];
  kill(): Promise<void>;
}

export async function startUpstreams(count: number, mode: "http" | "echo" = "http"): Promise<UpstreamProcess[]> {
  return Promise.all(Array.from({ length: count }, (_, ordinal) => startUpstream(ordinal, mode)));
}

async function startUpstream(ordinal: number, mode: "http" | "echo"): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, ORDINAL: String(ordinal), MODE: mode }, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  let rest = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    lines.push(...parts);
  });
  await waitFor(() => lines.length > 0 || child.exitCode !== null, 10_000, `upstream ${ordinal} to listen`);
  const port = (JSON.parse(lines.shift()!) as { port: number }).port;
  return {
    child, port, lines,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export async function stopUpstreams(upstreams: UpstreamProcess[]): Promise<void> {
  await Promise.all(upstreams.map((u) => u.kill()));
}

/** Rigs in front of upstream processes, remembered so one closeProcessRigs() (afterEach) ends them all. */
const opened: { rigs: Rig[]; upstreams: UpstreamProcess[] } = { rigs: [], upstreams: [] };

export async function rigOverProcesses(count: number, mode: "http" | "echo", options: RigOptions = {}): Promise<{ r: Rig; ups: UpstreamProcess[] }> {
  const ups = await startUpstreams(count, mode);
  opened.upstreams.push(...ups);
  const r = await rig({ ...options, ports: ups.map((u) => u.port) });
  opened.rigs.push(r);
  return { r, ups };
}

export async function closeProcessRigs(): Promise<void> {
  for (const r of opened.rigs.splice(0)) await r.close();
  await stopUpstreams(opened.upstreams.splice(0));
}
