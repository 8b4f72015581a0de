// The Linux native host (targets/linux, myco-linux): the wasm2c kernel supervising real
// processes from a blob `myco compile` wrote. Real children, real signals, real sockets: a
// killed service is restarted by the kernel's backoff; services start in dependency order and
// SIGINT stops them in reverse, leaving none running; health checks (tcp, command, process, http)
// are run and reported; a bad blob or run spec, or a feature this host does not execute, is
// refused before anything is spawned, naming the service and the field.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildLinux } from "../../targets/linux/tools/build.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(root, "host/cli/myco.js");
let host: string;
let dir: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  host = (await buildLinux()).executable;
  dir = mkdtempSync(join(tmpdir(), "myco-linux-"));
}, 600_000);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

let manifests = 0;
/** The YAML through the real `myco compile`: the blob's path. */
function compile(yaml: string): string {
  const file = join(dir, `m${++manifests}.yaml`);
  const blob = join(dir, `m${manifests}.myco`);
  writeFileSync(file, yaml);
  const result = spawnSync(process.execPath, [cli, "compile", file, "-o", blob], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return blob;
}

interface Run { child: ChildProcess; lines: string[]; stderr: string[]; until(match: RegExp, from?: number): Promise<RegExpExecArray>; exited: Promise<number | null> }

function start(blob: string): Run {
  const child = spawn(host, ["run", blob], { stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: (() => void)[] = [];
  const feed = (into: string[]) => {
    let partial = "";
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop()!;
      into.push(...parts);
      for (const wake of waiters.splice(0)) wake();
    };
  };
  child.stdout!.on("data", feed(lines));
  child.stderr!.on("data", feed(stderr));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => { for (const wake of waiters.splice(0)) wake(); resolve(code); }));
  /** The first line from index `from` on that matches (the test's own timeout bounds the wait). */
  async function until(match: RegExp, from = 0): Promise<RegExpExecArray> {
    for (;;) {
      for (let i = from; i < lines.length; i++) {
        const found = match.exec(lines[i]);
        if (found) return found;
      }
      if (child.exitCode !== null) throw new Error(`myco-linux exited (${child.exitCode}) before ${match}:\n${lines.join("\n")}\n${stderr.join("\n")}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return { child, lines, stderr, until, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidsOf = (lines: string[]) => lines.flatMap((l) => /^spawn \S+ pid (\d+)$/.exec(l)?.[1] ?? []).map(Number);

/** A service that writes "start NAME" / "stop NAME" to `log` and stops on SIGTERM. */
function logged(name: string, log: string, extra = ""): string {
  const script = `echo start ${name} >> ${log}; trap 'echo stop ${name} >> ${log}; exit 0' TERM; while :; do sleep 0.05; done`;
  return `  ${name}:\n    type: system\n    timeouts: { stop: 5s }\n${extra}    run: { command: /bin/sh, args: ["-c", ${JSON.stringify(script)}] }\n`;
}

describe("myco-linux", () => {
  it("restarts a killed service through the kernel's backoff; the others keep running", async () => {
    const yaml = ["version: 1", "services:", ...[1, 2, 3].map((n) =>
      `  worker-${n}:\n    type: system\n    restart: { policy: always, backoff: { initial: 100ms, max: 1s, multiplier: 2 } }\n    run: { command: sleep, args: ["1000"] }`)].join("\n");
    const run = start(compile(yaml + "\n"));
    for (const n of [1, 2, 3]) await run.until(new RegExp(`^spawn worker-${n}#0 pid \\d+$`));
    const victim = Number((await run.until(/^spawn worker-2#0 pid (\d+)$/))[1]);
    const others = pidsOf(run.lines).filter((p) => p !== victim);
    process.kill(victim, "SIGKILL");
    await run.until(new RegExp(`^exit worker-2#0 pid ${victim} status -9$`));
    const respawned = Number((await run.until(/^spawn worker-2#0 pid (\d+)$/, run.lines.findIndex((l) => l.startsWith(`exit worker-2#0 pid ${victim}`))))[1]);
    expect(respawned).not.toBe(victim);
    expect(alive(respawned)).toBe(true);
    expect(others.every(alive)).toBe(true);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect([...others, respawned].filter(alive)).toEqual([]);
  }, 60_000);

  it("starts in dependency order; SIGINT stops in reverse order and leaves nothing running", async () => {
    const log = join(dir, "order.log");
    writeFileSync(log, "");
    const yaml = "version: 1\nservices:\n" + logged("web", log, "    requires: [cache]\n") + logged("cache", log, "    requires: [db]\n") + logged("db", log);
    const run = start(compile(yaml));
    await run.until(/^spawn web#0 pid \d+$/);
    const spawned = run.lines.filter((l) => l.startsWith("spawn")).map((l) => l.split(" ")[1]);
    expect(spawned).toEqual(["db#0", "cache#0", "web#0"]);
    while (readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("start")).length < 3) await new Promise((r) => setTimeout(r, 20));
    const pids = pidsOf(run.lines);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    const exits = run.lines.filter((l) => l.startsWith("exit")).map((l) => l.split(" ")[1]);
    expect(exits).toEqual(["web#0", "cache#0", "db#0"]);
    expect(readFileSync(log, "utf8").trim().split("\n").slice(3)).toEqual(["stop web", "stop cache", "stop db"]);
    expect(run.lines.at(-1)).toBe("shutdown: every service stopped");
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);

  it("runs tcp, http, process and command checks; a failing liveness check gets the instance killed and restarted", async () => {
    const server: Server = createServer((_, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const sleeper = (name: string, check: string) =>
        `  ${name}:\n    type: system\n    restart: { policy: always, backoff: { initial: 100ms } }\n    run: { command: sleep, args: ["1000"], check: ${check} }\n`;
      const yaml = "version: 1\nservices:\n" + sleeper("tcp-ok", `{ kind: tcp, host: 127.0.0.1, port: ${port} }`)
        + sleeper("http-ok", `{ kind: http, url: "http://127.0.0.1:${port}/healthz" }`) + sleeper("alive", "{ kind: process }")
        + `  broken:\n    type: system\n    restart: { policy: always, backoff: { initial: 100ms } }\n`
        + `    health: { check: exec, target: "exit 3", interval: 200ms, timeout: 150ms, retries: 1 }\n    run: { command: sleep, args: ["1000"] }\n`;
      const run = start(compile(yaml));
      await run.until(/^check tcp-ok#0 tcp success$/);
      await run.until(/^check http-ok#0 http success$/);
      await run.until(/^check alive#0 process success$/);
      await run.until(/^check broken#0 command failure$/);
      const first = Number((await run.until(/^spawn broken#0 pid (\d+)$/))[1]);
      await run.until(new RegExp(`^kill broken#0 pid ${first}$`));
      const again = run.lines.findIndex((l) => l === `kill broken#0 pid ${first}`);
      await run.until(/^spawn broken#0 pid \d+$/, again);
      server.close();
      await run.until(/^check http-ok#0 http failure$/);
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);

  it("services die with the host (PR_SET_PDEATHSIG), even when it is killed without a shutdown", async () => {
    const run = start(compile("version: 1\nservices:\n  a:\n    type: system\n    instances: 2\n    run: { command: sleep, args: [\"1000\"] }\n"));
    await run.until(/^spawn a#1 pid \d+$/);
    const pids = pidsOf(run.lines);
    expect(pids.every(alive)).toBe(true);
    run.child.kill("SIGKILL");
    await run.exited;
    // a zombie whose parent (now init) has not reaped it yet is dead too: state Z
    const running = () => pids.filter((pid) => { try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return false; } });
    while (running().length > 0) await new Promise((r) => setTimeout(r, 20));
    expect(running()).toEqual([]);
  }, 60_000);

  const refused = (blob: string) => spawnSync(host, ["run", blob], { encoding: "utf8", timeout: 30_000 });
  const one = (run: string, extra = "") => `version: 1\nservices:\n  svc:\n    type: system\n${extra}    run: ${run}\n`;

  it("refuses a bad blob or run spec before spawning anything, naming the service and field", () => {
    const missing = refused(join(dir, "nope.myco"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^myco-linux: cannot read the blob .*nope\.myco: No such file or directory/);
    const good = compile(one(`{ command: sleep, args: ["1"] }`));
    const damaged = readFileSync(good);
    damaged[damaged.length - 2] ^= 0xff;
    writeFileSync(join(dir, "damaged.myco"), damaged);
    const crc = refused(join(dir, "damaged.myco"));
    expect(crc.status).toBe(1);
    expect(crc.stderr).toMatch(/the kernel refused the blob: .*(checksum|CRC)/i);
    expect(refused(compile(one(`{ command: no-such-program-here }`))).stderr)
      .toMatch(/service 'svc': run.command 'no-such-program-here' is not an executable file/);
    expect(refused(compile(one(`{ command: sleep, cwd: /no/such/dir }`))).stderr).toMatch(/service 'svc': run.cwd '\/no\/such\/dir' is not a directory/);
    const bare = refused(compile("version: 1\nservices:\n  svc: { type: system }\n"));
    expect(bare.stderr).toMatch(/service 'svc': no run section/);
    expect(bare.stdout).toBe("");
  });

  it("refuses what this host does not execute: readiness, secrets, resource limits, a recovery that asks for a reboot or a failover", () => {
    expect(refused(compile(one(`{ command: sleep, ready: 200ms }`))).stderr).toMatch(/service 'svc': run.ready \(a start delay\) is not supported by the native Linux host/);
    expect(refused(compile(one(`{ command: sleep, env: { TOKEN: { secret: api-token } } }`))).stderr).toMatch(/service 'svc': run.env secrets is not supported/);
    expect(refused(compile(one(`{ command: sleep }`, "    resources: { limits: { memory: 64MiB } }\n"))).stderr).toMatch(/service 'svc': resources: \(limits need .*\) is not supported/);
    const reboot = refused(compile(one(`{ command: sleep }`, "    restart: { policy: always, escalation: reboot }\n")));
    expect(reboot.stderr).toMatch(/service 'svc': recovery escalation to a reboot request is an action the native Linux host does not execute/);
    expect(reboot.status).toBe(1);
    const failover = refused(compile(one(`{ command: sleep }`, "    restart: { policy: always, backup: spare }\n")
      + `  spare:\n    type: system\n    run: { command: sleep }\n`));
    expect(failover.stderr).toMatch(/service 'svc': recovery failover to a backup service is an action the native Linux host does not execute/);
    expect(failover.stdout).toBe("");
  });

  it("check: validates the blob and every run spec, then exits without spawning", () => {
    const checked = spawnSync(host, ["check", compile(one(`{ command: sleep, args: ["1000"] }`))], { encoding: "utf8" });
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(/^loaded 1 services from .*\.myco\n$/);
    expect(spawnSync(host, ["serve"], { encoding: "utf8" }).status).toBe(2);
  });
});
