// The `myco` commands of the Node host, run in-process through main(): order, graph, run (with
// status, logs and restart against it over the control socket), and their exit codes.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { myco } from "./cli-helpers.ts";
import { freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { get } from "./gateway-helpers.ts";

const EDGE = "examples/edge/services.yaml";

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "myco-cli-"));
  dirs.push(dir);
  return dir;
}

describe("myco order and graph", () => {
  it("order prints the start waves the kernel computes", async () => {
    expect(await myco("order", EDGE)).toEqual({ code: 0, out: ["wave 0: kv", "wave 1: cache", "wave 2: web", "wave 3: traffic"], err: [] });
    const json = await myco("order", EDGE, "--json");
    expect(JSON.parse(json.out.join("\n"))).toEqual({ order: ["kv", "cache", "web", "traffic"], waves: [["kv"], ["cache"], ["web"], ["traffic"]] });
  });

  it("graph as dot and as mermaid", async () => {
    const dot = await myco("graph", EDGE, "--format", "dot");
    expect(dot.code).toBe(0);
    const text = dot.out.join("\n");
    expect(text).toMatch(/^digraph services \{/);
    expect(text).toContain('{ rank=same; "web"; } // wave 2');
    expect(text).toContain('"web" -> "cache" [style=solid];');
    expect(text).toContain('"traffic" -> "web" [style=dashed];');
    expect(text).toContain('"kv" [label="kv\\n1 instance", peripheries=2];');
    const mermaid = await myco("graph", EDGE, "--format", "mermaid");
    expect(mermaid.out.join("\n")).toBe([
      "flowchart BT", '  kv["kv (1)"]', '  cache["cache (1)"]', '  web["web (3)"]', '  traffic["traffic (1)"]',
      "  cache --> kv", "  web --> cache", "  traffic -.->|wants| web",
    ].join("\n"));
    expect((await myco("graph", EDGE, "--format", "svg"))).toMatchObject({ code: 2, err: ["myco graph: --format 'svg' is not dot or mermaid"] });
  });

  it("an invalid manifest: problems with file:line:col, exit 1", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.yaml"), "services:\n  a:\n    requires: [b]\n    run: { command: x }\n");
    const result = await myco("order", join(dir, "bad.yaml"));
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/bad\.yaml:3:16: service 'a', field 'requires': service 'a' requires 'b', which is not a service in this manifest/);
  });
});

describe("myco sim", () => {
  it("replays a seed exactly, checks the invariants, and draws the timeline", async () => {
    const dir = tempDir();
    const first = await myco("sim", EDGE, "--seed", "2", "--steps", "150", "--svg", join(dir, "a.svg"));
    const second = await myco("sim", EDGE, "--seed", "2", "--steps", "150", "--svg", join(dir, "b.svg"));
    expect(first.code).toBe(0);
    expect(first.out[0]).toMatch(/^seed 2: 150 steps, [\d.]+ s of virtual time, \d+ faults injected, \d+ events, \d+ faults seen, \d+ restarts$/);
    expect(first.out).toContain("every invariant held after every step, and the services converged once the faults stopped");
    expect(second.out.slice(0, 2)).toEqual(first.out.slice(0, 2));
    const svg = readFileSync(join(dir, "a.svg"), "utf8");
    expect(svg).toBe(readFileSync(join(dir, "b.svg"), "utf8"));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const service of ["kv", "cache", "web", "traffic"]) expect(svg).toContain(`>${service}</text>`);
    const other = await myco("sim", EDGE, "--seed", "3", "--steps", "150");
    expect(other.out[0]).not.toBe(first.out[0]);
    expect(await myco("sim", EDGE, "--seed", "-1")).toMatchObject({ code: 2 });
  });
});

describe("myco run, status, logs, restart", () => {
  it("runs for --duration, answers status/logs/restart meanwhile, and leaves no process", async () => {
    const dir = tempDir();
    const [port] = await freePorts(1);
    writeFileSync(join(dir, "services.yaml"), `
services:
  solo:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    ${fixture("", ", ready: listening")}
`);
    const socket = join(dir, "control.sock");
    const run = myco("run", join(dir, "services.yaml"), "--duration", "4s", "--socket", socket);
    await waitFor(() => isSocket(socket), 5000, "the control socket");
    let status = await myco("status", "--socket", socket);
    for (let i = 0; i < 50 && !status.out.join("\n").includes("running"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await myco("status", "--socket", socket);
    }
    expect(status.code).toBe(0);
    const [header, row] = status.out[1].split("\n");
    expect(header).toMatch(/^SERVICE\s+STATE\s+HEALTH\s+INSTANCES\s+REVISIONS\s+RESTARTS\s+PICKS\s+BREAKER\s+GATEWAY$/);
    expect(row).toMatch(/^solo\s+running\s+\S+\s+1\/1\s+1\s+0/); // revision 1 on its one instance
    const logs = await myco("logs", "solo", "-n", "1", "--socket", socket);
    expect(logs).toMatchObject({ code: 0, out: [expect.stringMatching(/ solo#0 out \| solo#0 listening on \d+$/)] });
    expect(await myco("restart", "solo", "--socket", socket)).toMatchObject({ code: 0, out: ["solo: restart requested"] });
    expect(await myco("restart", "nope", "--socket", socket)).toMatchObject({ code: 1, err: [expect.stringContaining("'nope' is not registered")] });
    const result = await run;
    expect(result.code).toBe(0);
    const text = result.out.join("\n");
    expect(text).toContain("solo: restart requested by the operator");
    expect(text).toMatch(/myco run: stopped after \d+\.\d s; 0 processes left/);
    expect(await myco("status", "--socket", socket)).toMatchObject({ code: 3, err: [expect.stringContaining(`no myco run is answering on ${socket}`)] });
  });

  it("myco reload (and SIGHUP to myco run) applies the file again: a hot key reaches the same process", async () => {
    const dir = tempDir();
    const [port] = await freePorts(1);
    const file = join(dir, "services.yaml");
    const yaml = (greeting: string) => `services:\n  solo:\n    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }\n`
      + `    config: { greeting: { type: string, hot: true, value: ${greeting} } }\n    ${fixture("", ", ready: listening")}\n`;
    writeFileSync(file, yaml("hello"));
    const socket = join(dir, "control.sock");
    const run = myco("run", file, "--duration", "5s", "--socket", socket);
    const greeting = async () => JSON.parse((await get(`http://127.0.0.1:${port}/config`)).body) as { pid: number; config: { greeting: string } };
    await waitFor(() => isSocket(socket), 5000, "the control socket");
    let first: { pid: number; config: { greeting: string } } | undefined;
    for (let i = 0; i < 50 && !first; i++) {
      first = await greeting().catch(() => undefined);
      if (!first) await new Promise((r) => setTimeout(r, 100));
    }
    expect(first!.config.greeting).toBe("hello");

    writeFileSync(file, yaml("bonjour"));
    expect(await myco("reload", "--socket", socket)).toEqual({ code: 0, out: ["manifest reloaded: revision 2"], err: [] });
    await waitUntil(async () => (await greeting()).config.greeting === "bonjour", "bonjour");
    writeFileSync(file, yaml("salut"));
    process.kill(process.pid, "SIGHUP"); // myco run's own reload signal
    await waitUntil(async () => (await greeting()).config.greeting === "salut", "salut");
    expect((await greeting()).pid).toBe(first!.pid);

    writeFileSync(file, yaml("salut").replace("hot: true", "hot: maybe"));
    const refused = await myco("reload", "--socket", socket);
    expect(refused).toMatchObject({ code: 1, err: [`myco reload: ${file}: 1 problem; nothing changed:\n${file}:4:46: service 'solo', field 'config.greeting.hot': expected true or false, got string "maybe"`] });
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.err).toContain("myco run: SIGHUP: manifest reloaded, revision 3");
  });

  it("refuses a manifest with a service that has nothing to run, and bad flags", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "services.yaml"), "services:\n  idle: { instances: 1 }\n");
    const result = await myco("run", join(dir, "services.yaml"), "--socket", join(dir, "s"));
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain("service 'idle' has no run: section");
    expect(await myco("run", join(dir, "services.yaml"), "--kill", "web")).toMatchObject({ code: 2, err: ["myco run: --kill 'web' is not SERVICE#ORDINAL@TIME (web#1@6s)"] });
    expect(await myco("run", join(dir, "services.yaml"), "--duration", "soon")).toMatchObject({ code: 2 });
    expect(await myco("logs", "x", "-n", "zero")).toMatchObject({ code: 2 });
  });

  it("--help everywhere, with the exit codes", async () => {
    const help = await myco("--help");
    expect(help.code).toBe(0);
    expect(help.out.join("\n")).toContain("3    no `myco run` answers on the control socket");
    for (const command of ["run", "order", "graph", "status", "logs", "restart", "reload"]) {
      const result = await myco(command, "--help");
      expect(result.code, command).toBe(0);
      expect(result.out.join("\n"), command).toContain(`Usage: myco ${command}`);
    }
  });

  it("a second run on the same socket is refused while the first runs", async () => {
    const dir = tempDir();
    const [port] = await freePorts(1);
    writeFileSync(join(dir, "services.yaml"), `services:\n  solo:\n    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }\n    ${fixture("", ", ready: listening")}\n`);
    const socket = join(dir, "control.sock");
    const first = myco("run", join(dir, "services.yaml"), "--duration", "2s", "--socket", socket);
    await waitFor(() => isSocket(socket), 5000, "the control socket");
    const second = await myco("run", join(dir, "services.yaml"), "--duration", "1s", "--socket", socket);
    expect(second).toMatchObject({ code: 4, err: [`myco run: another myco run is listening on ${socket}; pass --socket PATH to run another one`] });
    const done = await first;
    expect(done.code).toBe(0);
  });
});

async function waitUntil(done: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}
