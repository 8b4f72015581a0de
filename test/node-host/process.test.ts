// The process executor against real processes: spawn, started/exited reports, graceful stop,
// SIGKILL after a stop that is ignored, bounded logs under a flood, {DEP}_ADDR-style
// environment, and the bad inputs (missing command, not executable, bad cwd, exits at once).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessExecutor, addressVariable, type ProcessSpec, type ExecutorMessage } from "../../host/executors/process.ts";
import { resolveCommand } from "../../host/executors/command.ts";
import { spawnAction, actionFor, waitFor, running } from "./helpers.ts";

interface Recorder {
  executor: ProcessExecutor;
  started: number[];
  exited: Map<number, number>;
  messages: ExecutorMessage[];
}

const executors: ProcessExecutor[] = [];
afterEach(async () => {
  for (const executor of executors.splice(0)) await executor.shutdown(500);
});

function recorder(specs: Record<string, ProcessSpec>, extra: Partial<ConstructorParameters<typeof ProcessExecutor>[0]> = {}): Recorder {
  const started: number[] = [];
  const exited = new Map<number, number>();
  const messages: ExecutorMessage[] = [];
  const executor = new ProcessExecutor({
    spec: (service) => specs[service],
    reports: { started: (h) => started.push(h), exited: (h, s) => exited.set(h, s) },
    ...extra,
  });
  executor.onMessage((m) => messages.push(m));
  executors.push(executor);
  return { executor, started, exited, messages };
}

describe("process executor", () => {
  it("spawns, reports started, captures output, and reports the exit code", async () => {
    const r = recorder({ hello: { command: "sh", args: ["-c", "echo out; echo err >&2; sleep 0.2; exit 3"] } });
    const spawn = spawnAction("hello");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    expect(r.started).toEqual([spawn.instance]);
    expect(r.exited.get(spawn.instance)).toBe(3);
    const lines = r.executor.log("hello", 0).lines().filter((l) => l.stream !== "myco").map((l) => `${l.stream}:${l.text}`);
    expect(lines).toEqual(["stdout:out", "stderr:err"]);
    expect(r.messages.at(-1)!.text).toMatch(/hello#0 \(pid \d+\) exited at once with exit code 3 after \d+ ms; last output: err/);
  });

  it("stops gracefully with SIGTERM to the group", async () => {
    const r = recorder({ sleeper: { command: "sleep", args: ["30"] } });
    const spawn = spawnAction("sleeper");
    r.executor.handle(spawn);
    await waitFor(() => r.started.length === 1, 5000, "started");
    const pid = r.executor.pid(spawn.instance)!;
    expect(running(pid)).toBe(true);
    r.executor.handle(actionFor("stop", spawn));
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    expect(r.exited.get(spawn.instance)).toBe(-15); // SIGTERM
    expect(r.messages.at(-1)!.text).toContain("stopped (SIGTERM)");
  });

  it("a child that ignores SIGTERM survives the stop and dies on the kill that follows", async () => {
    const r = recorder({ stubborn: { command: "sh", args: ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"] } });
    const spawn = spawnAction("stubborn");
    r.executor.handle(spawn);
    await waitFor(() => r.executor.log("stubborn", 0).lines().some((l) => l.text === "ready"), 5000, "ready");
    r.executor.handle(actionFor("stop", spawn));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.exited.has(spawn.instance)).toBe(false); // still running: SIGTERM was ignored
    r.executor.handle(actionFor("kill", spawn)); // what the kernel sends at the stop timeout
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    expect(r.exited.get(spawn.instance)).toBe(-9);
    expect(r.messages.at(-1)!.text).toContain("killed (SIGKILL)");
  });

  it("shutdown() escalates to SIGKILL after the grace period", async () => {
    const r = recorder({ stubborn: { command: "sh", args: ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"] } });
    const spawn = spawnAction("stubborn");
    r.executor.handle(spawn);
    await waitFor(() => r.executor.log("stubborn", 0).lines().some((l) => l.text === "ready"), 5000, "ready");
    const pid = r.executor.pid(spawn.instance)!;
    await r.executor.shutdown(200);
    expect(r.exited.get(spawn.instance)).toBe(-9);
    expect(running(pid)).toBe(false);
  });

  it("kills what the child left in its group when it exits", async () => {
    const r = recorder({ parent: { command: "sh", args: ["-c", "sleep 30 & echo child $!; sleep 0.3"] } });
    const spawn = spawnAction("parent");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    const grandchild = Number(/child (\d+)/.exec(r.executor.log("parent", 0).lines().map((l) => l.text).join("\n"))![1]);
    await waitFor(() => !running(grandchild), 3000, "the grandchild to die");
  });

  it("passes the environment, the working directory and dependency addresses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-env-"));
    try {
      const r = recorder(
        { env: { command: "sh", args: ["-c", "echo $GREETING $KV_STORE_ADDR $(pwd)"], cwd: dir, env: { GREETING: "hi" } } },
        { environment: () => ({ [addressVariable("kv-store")]: "127.0.0.1:7001" }) },
      );
      const spawn = spawnAction("env");
      r.executor.handle(spawn);
      await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
      expect(r.executor.log("env", 0).lines().find((l) => l.stream === "stdout")!.text).toBe(`hi 127.0.0.1:7001 ${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(addressVariable("edge.cache-2")).toBe("EDGE_CACHE_2_ADDR");
  });

  it("an environment the host cannot prepare is a failed spawn (127), said plainly", async () => {
    const r = recorder({ app: { command: "sleep", args: ["30"] } }, { environment: () => { throw new Error("EACCES: /run/myco"); } });
    const spawn = spawnAction("app");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    expect(r.exited.get(spawn.instance)).toBe(127);
    expect(r.started).toEqual([]);
    expect(r.messages.map((m) => m.text)).toEqual(["app#0: its environment could not be prepared: EACCES: /run/myco"]);
  });

  it("signals the main process of every started instance of a service (a reload), not one still starting", async () => {
    const script = 'trap "echo reload" HUP; while true; do sleep 0.05; done';
    const r = recorder({ hup: { command: "sh", args: ["-c", script] }, late: { command: "sh", args: ["-c", script], ready: { afterMs: 10_000 } } });
    const first = spawnAction("hup", 0);
    const second = spawnAction("hup", 1);
    const starting = spawnAction("late", 0);
    for (const action of [first, second, starting]) r.executor.handle(action);
    await waitFor(() => r.started.length === 2, 5000, "two started");
    expect(r.executor.signalService("hup", "SIGHUP").sort()).toEqual([r.executor.pid(first.instance), r.executor.pid(second.instance)].sort());
    expect(r.executor.signalService("late", "SIGHUP")).toEqual([]);
    for (const ordinal of [0, 1]) {
      await waitFor(() => r.executor.log("hup", ordinal).lines().some((l) => l.stream === "stdout" && l.text === "reload"), 5000, `hup#${ordinal} reloads`);
    }
    expect(running(r.executor.pid(first.instance)!)).toBe(true); // handled, not killed
  });

  it("keeps the log ring bounded while a child floods stdout", async () => {
    const r = recorder({ flood: { command: "yes", args: ["flooding the supervisor with one line after another"] } }, {
      log: { linesMax: 100, lineCharsMax: 64, bytesPerSecondMax: 256 * 1024 },
    });
    const spawn = spawnAction("flood");
    r.executor.handle(spawn);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const ring = r.executor.log("flood", 0);
    expect(ring.size).toBeLessThanOrEqual(100);
    expect(ring.counters.bytes).toBeGreaterThan(256 * 1024);
    expect(ring.counters.droppedBytes).toBeGreaterThan(0);
    expect(ring.lines().every((l) => l.text.length <= 65)).toBe(true);
    r.executor.handle(actionFor("stop", spawn));
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    expect(ring.lines().some((l) => l.stream === "myco" && /bytes of stdout dropped/.test(l.text))).toBe(true);
  });

  it("a readiness delay: an exit before it is a failed start (never reported started)", async () => {
    const r = recorder({ quick: { command: "sh", args: ["-c", "exit 1"], ready: { afterMs: 500 } } });
    const spawn = spawnAction("quick");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 5000, "exit");
    expect(r.started).toEqual([]);
    expect(r.exited.get(spawn.instance)).toBe(1);
  });
});

describe("bad commands", () => {
  const dir = mkdtempSync(join(tmpdir(), "myco-cmd-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, "not-executable.sh");
  writeFileSync(script, "#!/bin/sh\necho hi\n");
  chmodSync(script, 0o644);

  it.each([
    ["no-such-command-myco", 127, "command 'no-such-command-myco' was not found on the PATH"],
    ["/nonexistent/bin/tool", 127, "command '/nonexistent/bin/tool' does not exist"],
    [script, 126, `command '${script}' is not executable (mode 644)`],
    [dir, 126, `command '${dir}' is a directory`],
  ])("%s gives a clear message and a failed start", async (command, status, message) => {
    const r = recorder({ bad: { command } });
    const spawn = spawnAction("bad");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 2000, "exit");
    expect(r.exited.get(spawn.instance)).toBe(status);
    expect(r.started).toEqual([]);
    expect(r.messages[0]).toMatchObject({ level: "error", service: "bad", text: `bad#0: ${message}` });
  });

  it("a working directory that does not exist", async () => {
    const r = recorder({ bad: { command: "true", cwd: "/nonexistent/dir" } });
    const spawn = spawnAction("bad");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 2000, "exit");
    expect(r.messages[0].text).toBe("bad#0: working directory '/nonexistent/dir' does not exist");
  });

  it("a service with no command", async () => {
    const r = recorder({});
    const spawn = spawnAction("ghost");
    r.executor.handle(spawn);
    await waitFor(() => r.exited.has(spawn.instance), 2000, "exit");
    expect(r.messages[0].text).toBe("ghost#0: the service has no command to run");
  });

  it("resolves PATH lookups and relative paths", () => {
    expect(resolveCommand("sh", "/", "/nonexistent:/bin:/usr/bin")).toMatchObject({ ok: true });
    expect(resolveCommand("./not-executable.sh", dir, "")).toMatchObject({ ok: false, status: 126 });
    expect(resolveCommand("", "/", "/bin")).toMatchObject({ ok: false, status: 127, message: "the command is empty" });
  });
});
