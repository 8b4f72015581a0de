// Bad input and faults under a running supervisor, with real processes: a command that does
// not exist or is not executable, a port in use (an instance's and a gateway's), a service that
// exits at once, one that ignores SIGTERM, one that floods stdout, a check target that hangs.
// Each gets a clear message, and the supervisor keeps running a healthy service beside them.
import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:net";
import { supervise, stopAll, freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor, running } from "./helpers.ts";

afterEach(stopAll);

let squatters: Server[] = [];
afterEach(async () => { for (const s of squatters.splice(0)) await new Promise((r) => s.close(r)); });
async function squat(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  squatters.push(server);
}

describe("bad input and faults", () => {
  it("each bad service gets a clear message while a good one keeps running", async () => {
    const [good, quitter, porty, hang, web] = await freePorts(5);
    await squat(porty);
    const r = await supervise(`
services:
  good:
    instances: { count: 1, addresses: ["127.0.0.1:${good}"] }
    ${fixture("", ", ready: listening")}
  ghost:
    run: { allow-root: true, command: no-such-command-myco }
  missing:
    run: { allow-root: true, command: ./bin/missing-tool }
  quitter:
    instances: { count: 1, addresses: ["127.0.0.1:${quitter}"] }
    ${fixture("exit-at-once")}
  porty:
    instances: { count: 1, addresses: ["127.0.0.1:${porty}"] }
    ${fixture("")}
  hang:
    instances: { count: 1, addresses: ["127.0.0.1:${hang}"] }
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 300ms, timeout: 200ms, retries: 1 }
    ${fixture("hang-health", ", ready: listening")}
  web:
    instances: { count: 1, addresses: ["127.0.0.1:${web}"] }
    ${fixture("", `, ready: listening, gateway: { port: ${porty} }`)}
`);
    const texts = () => r.texts().join("\n");
    await waitFor(() => /ghost#0: command 'no-such-command-myco' was not found on the PATH/.test(texts()), 5000, "ghost message");
    expect(texts()).toMatch(/missing#0: command '.*\/bin\/missing-tool' does not exist/);
    await waitFor(() => /quitter#0 \(pid \d+\) exited at once with exit code 2 after \d+ ms; last output: fatal: no configuration found/.test(texts()), 10_000, "quitter message");
    await waitFor(() => /porty#0 \(pid \d+\) exited at once with exit code 1 after \d+ ms \(its port is in use\)/.test(texts()), 10_000, "porty message");
    expect(texts()).toMatch(new RegExp(`web: gateway not started: .*port ${porty} on 127\\.0\\.0\\.1 is in use by another process`));
    await waitFor(() => /hang#0: check http http:\/\/127\.0\.0\.1:\d+\/healthz failed: GET .* no answer within 160 ms/.test(texts()), 10_000, "hang message");
    const { kernel } = r.supervisor;
    await waitFor(() => kernel.state("good") === "running" && kernel.state("web") === "running", 10_000, "good and web running");
    for (const bad of ["ghost", "missing", "quitter", "porty"]) expect(kernel.state(bad), bad).toBe("failed");
    expect(r.supervisor.gateways.size).toBe(0);
  });

  it("a command that is not executable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-x-"));
    try {
      const script = join(dir, "tool.sh");
      writeFileSync(script, "#!/bin/sh\necho hi\n");
      chmodSync(script, 0o644);
      const r = await supervise(`
services:
  tool:
    run: { allow-root: true, command: ${JSON.stringify(script)} }
`);
      await waitFor(() => r.texts().includes(`tool#0: command '${script}' is not executable (mode 644)`), 5000, "message");
      await waitFor(() => r.supervisor.kernel.state("tool") === "failed", 5000, "failed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a service that ignores SIGTERM is killed at its stop timeout", async () => {
    const [port] = await freePorts(1);
    const r = await supervise(`
services:
  stubborn:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    timeouts: { stop: 400ms }
    ${fixture("ignore-term", ", ready: listening")}
`);
    await waitFor(() => r.supervisor.kernel.state("stubborn") === "running", 10_000, "running");
    const pid = r.supervisor.executor.pidOf("stubborn", 0)!;
    const started = Date.now();
    await r.supervisor.shutdown();
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(running(pid)).toBe(false);
    expect(r.supervisor.executor.log("stubborn", 0).lines().map((l) => l.text)).toContain("stubborn#0: ignoring SIGTERM");
    expect(r.texts()).toContain(`stubborn#0 (pid ${pid}) killed (SIGKILL)`);
  });

  it("a service that floods stdout: its log stays bounded and the supervisor keeps answering", async () => {
    const [port] = await freePorts(1);
    const r = await supervise(`
services:
  flood:
    run: { allow-root: true, command: yes, args: ["flooding the log with the same line, again and again"] }
  good:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    ${fixture("", ", ready: listening")}
`, { log: { linesMax: 200, bytesPerSecondMax: 512 * 1024 } });
    const { kernel, executor } = r.supervisor;
    await waitFor(() => kernel.state("good") === "running", 10_000, "good running");
    await new Promise((done) => setTimeout(done, 1500));
    const ring = executor.log("flood", 0);
    expect(ring.size).toBeLessThanOrEqual(200);
    expect(ring.counters.bytes).toBeGreaterThan(512 * 1024);
    expect(ring.counters.droppedBytes).toBeGreaterThan(0);
    // The event loop is not starved: a timer still fires on time, the kernel still answers.
    const before = Date.now();
    await new Promise((done) => setTimeout(done, 50));
    expect(Date.now() - before).toBeLessThan(1000);
    expect(kernel.state("flood")).toBe("running");
  });
});
