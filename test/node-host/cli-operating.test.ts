// The everyday CLI (issue 17): up -d / down with no process left behind (checked by pid),
// start/stop, status SERVICE, logs of every service, --json, the dashboard attached over the
// control socket, init, shell completion, examples in every --help, and clear errors with exit
// codes for bad input (unknown service, no supervisor, a dashboard port in use).
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { myco } from "./cli-helpers.ts";
import { loadHostManifest } from "../../host/supervisor/host-manifest.ts";
import { freePorts, fixture } from "./supervisor-helpers.ts";
import { alive, waitFor } from "./helpers.ts";

const dirs: string[] = [];
const sockets: string[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await myco("down", "--socket", socket); // a failed test leaves nothing running
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "myco-ops-"));
  dirs.push(dir);
  return dir;
}

async function twoServices(dir: string): Promise<string> {
  const [a, b] = await freePorts(2);
  const file = join(dir, "services.yaml");
  writeFileSync(file, `
services:
  db:
    instances: { count: 1, addresses: ["127.0.0.1:${a}"] }
    ${fixture("", ", ready: listening")}
  web:
    requires: [db]
    instances: { count: 1, addresses: ["127.0.0.1:${b}"] }
    ${fixture("", ", ready: listening")}
`);
  return file;
}

describe("myco up -d and down", () => {
  it("returns once the services run, refuses a second up, answers the everyday commands, and down leaves no process", async () => {
    const dir = tempDir();
    const file = await twoServices(dir);
    const socket = join(dir, "control.sock");
    sockets.push(socket);
    const up = await myco("up", "-d", file, "--socket", socket, "--log-file", join(dir, "run.log"), "--json");
    expect(up.code, up.err.join("\n")).toBe(0);
    const started = JSON.parse(up.out[0]) as { ok: boolean; pid: number; services: string[] };
    expect(started).toMatchObject({ ok: true, services: ["db", "web"], log: join(dir, "run.log") });
    expect(alive(started.pid)).toBe(true);

    const again = await myco("up", "-d", file, "--socket", socket);
    expect(again.code).toBe(4);
    expect(again.err[0]).toBe(`myco up: a myco run is already running on ${socket} (pid ${started.pid}, ${file}); \`myco down\` stops it`);

    const status = JSON.parse((await myco("status", "--json", "--socket", socket)).out.join("\n")) as { service: string; state: string }[];
    expect(status.map((s) => [s.service, s.state])).toEqual([["db", "running"], ["web", "running"]]);
    const detail = await myco("status", "web", "--socket", socket);
    expect(detail.code).toBe(0);
    expect(detail.out[0]).toBe("● web");
    expect(detail.out[1]).toMatch(/^ {5}state: running since \d\d:\d\d:\d\d \(\d+s ago\)$/);
    expect(detail.out.join("\n")).toMatch(/#0 running pid \d+ up \d+s runs 1/);
    expect(detail.out.join("\n")).toContain("   depends: requires db");
    const pids = JSON.parse((await myco("status", "web", "--json", "--socket", socket)).out.join("\n")).view.instances.map((i: { pid: number }) => i.pid);
    const dbPid = JSON.parse((await myco("status", "db", "--json", "--socket", socket)).out.join("\n")).view.instances[0].pid;
    expect([...pids, dbPid].every((pid: number) => alive(pid))).toBe(true);

    const logs = await myco("logs", "--socket", socket);
    expect(logs.out.some((l) => / db#0 out \| db#0 listening on \d+$/.test(l))).toBe(true);
    expect(logs.out.some((l) => / web#0 out \| web#0 listening on \d+$/.test(l))).toBe(true);
    const json = (await myco("logs", "web", "--json", "-n", "1", "--socket", socket)).out.map((l) => JSON.parse(l));
    expect(json).toEqual([expect.objectContaining({ service: "web", ordinal: 0, stream: "stdout", text: expect.stringMatching(/^web#0 listening/) })]);
    expect((await myco("logs", "--since", "1h", "--socket", socket)).out.length).toBe(logs.out.length);
    expect((await myco("logs", "--since", "2999-01-01T00:00:00Z", "--socket", socket)).out).toEqual([]);

    expect(await myco("stop", "db", "--socket", socket)).toMatchObject({ code: 0, out: ["db: stop requested"] });
    await waitFor(() => !alive(dbPid) && !pids.some((pid: number) => alive(pid)), 10_000, "db and web to stop (web requires db)");
    expect(await myco("start", "web", "--socket", socket, "--json")).toMatchObject({ code: 0, out: ['{"ok":true,"service":"web","requested":"start"}'] });
    let states: string[] = [];
    const poll = setInterval(async () => { states = JSON.parse((await myco("status", "--json", "--socket", socket)).out.join("\n")).map((s: { state: string }) => s.state); }, 100);
    try { await waitFor(() => states.join() === "running,running", 10_000, "db and web to run again"); } finally { clearInterval(poll); }

    const running = JSON.parse((await myco("status", "web", "--json", "--socket", socket)).out.join("\n")).view.instances.map((i: { pid: number }) => i.pid);
    const down = await myco("down", "--socket", socket);
    expect(down).toEqual({ code: 0, out: [`myco down: pid ${started.pid} stopped, and every service with it`], err: [] });
    expect(alive(started.pid)).toBe(false);
    expect(running.filter((pid: number) => alive(pid))).toEqual([]);
    expect(readFileSync(join(dir, "run.log"), "utf8")).toMatch(/myco run: stopped after [\d.]+ s; 0 processes left/);
    expect(await myco("down", "--socket", socket)).toMatchObject({ code: 3, err: [expect.stringContaining(`no myco run is answering on ${socket}`)] });
  });

  it("a service that fails: non-zero exit naming it; a manifest with problems: exit 1 with the log", async () => {
    const dir = tempDir();
    const [port] = await freePorts(1);
    const file = join(dir, "services.yaml");
    writeFileSync(file, `services:\n  broken:\n    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }\n    restart: { policy: "no" }\n    ${fixture("exit-at-once", ", ready: listening")}\n`);
    const socket = join(dir, "control.sock");
    sockets.push(socket);
    const up = await myco("up", "-d", file, "--socket", socket, "--log-file", join(dir, "run.log"));
    expect(up.code).toBe(4);
    expect(up.err[0]).toMatch(/^myco up: service 'broken' failed; the supervisor \(pid \d+\) stays up: `myco status broken` and `myco logs broken` say why, `myco down` stops it$/);
    expect((await myco("logs", "broken", "--socket", socket)).out.join("\n")).toContain("fatal: no configuration found");
    expect((await myco("down", "--socket", socket)).code).toBe(0);

    writeFileSync(file, "services:\n  x: { instances: 1, run: { command: true }, bogus: 1 }\n");
    const bad = await myco("up", "-d", file, "--socket", socket, "--log-file", join(dir, "run.log"));
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toMatch(/myco run ended at once \(exit 1\):[\s\S]*unknown key 'bogus'/);
    expect(await myco("up", file, "--socket", socket)).toMatchObject({ code: 2 });
  });
});

describe("myco dashboard and bad input", () => {
  it("attaches to a running myco run; an unknown service, no supervisor and a taken port are clear errors", async () => {
    const dir = tempDir();
    const file = await twoServices(dir);
    const socket = join(dir, "control.sock");
    sockets.push(socket);
    expect((await myco("up", "-d", file, "--socket", socket, "--log-file", join(dir, "run.log"))).code).toBe(0);
    const { attachDashboard } = await import("../../host/cli/commands/dashboard.ts");
    const server = await attachDashboard(socket, "0", () => {});
    try {
      const state = await (await fetch(`http://${server.address}/api/state?token=${server.token}`)).json();
      expect(state.snapshot.services.map((s: { name: string; state: string }) => `${s.name} ${s.state}`)).toEqual(["db running", "web running"]);
      const detail = await (await fetch(`http://${server.address}/api/services/web?token=${server.token}`)).json();
      expect(detail.view.dependencies).toEqual([{ to: "db", kind: "requires" }]);
      const restart = await fetch(`http://${server.address}/api/services/nosuch/restart`, { method: "POST", headers: { "x-myco-token": server.token } });
      expect(restart.status).toBe(400);
    } finally {
      await server.close();
    }
    for (const verb of ["start", "stop", "restart"]) {
      expect(await myco(verb, "nosuch", "--socket", socket), verb).toMatchObject({ code: 1, err: [expect.stringMatching(new RegExp(`^myco ${verb}: .*'nosuch' is not registered`))] });
    }
    expect(await myco("status", "nosuch", "--socket", socket)).toMatchObject({ code: 1 });
    expect(await myco("logs", "nosuch", "--socket", socket)).toMatchObject({ code: 1 });

    const taken = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => taken.once("listening", r));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = await myco("run", file, "--socket", join(dir, "other.sock"), "--dashboard", String(port));
      expect(run).toMatchObject({ code: 4, err: [`myco run: EADDRINUSE: dashboard port ${port} on 127.0.0.1 is in use by another process; pick another with --dashboard PORT`] });
    } finally {
      taken.close();
    }
    expect((await myco("down", "--socket", socket)).code).toBe(0);
    for (const args of [["status"], ["logs"], ["start", "web"], ["reload"], ["dashboard", "--listen", "0"]]) {
      const result = await myco(...args, "--socket", socket);
      expect(result.code, args.join(" ")).toBe(3);
      expect(result.err[0], args.join(" ")).toContain(`no myco run is answering on ${socket}`);
    }
    expect(await myco("dashboard", "--listen", "nope", "--socket", socket)).toMatchObject({ code: 2 });
  });
});

describe("myco init, completion and help", () => {
  it("init writes a starter services.yaml that checks clean, and never overwrites without --force", async () => {
    const dir = tempDir();
    expect(await myco("init", dir)).toMatchObject({ code: 0 });
    const file = join(dir, "services.yaml");
    const { hostManifest, diagnostics } = loadHostManifest(file);
    expect(diagnostics).toEqual([]);
    expect(hostManifest!.manifest.services.map((s) => s.name)).toEqual(["db", "cache", "web", "monitoring"]);
    expect(await myco("check", file, "--json")).toMatchObject({ code: 0, out: [expect.stringContaining('"ok":true')] });
    expect(await myco("init", dir)).toMatchObject({ code: 1, err: [`myco init: ${file} exists; pass --force to overwrite it`] });
    expect((await myco("init", dir, "--force")).code).toBe(0);
  });

  it("bash completion completes commands, options and files; zsh completion names every command", async () => {
    const bash = (await myco("completion", "bash")).out.join("\n");
    const dir = tempDir();
    writeFileSync(join(dir, "c.bash"), bash);
    const complete = (...words: string[]) => execFileSync("bash", ["-c", `source ${join(dir, "c.bash")}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _myco; echo "\${COMPREPLY[*]}"`], { encoding: "utf8", cwd: dir }).trim();
    expect(complete("myco", "re")).toBe("restart reload");
    expect(complete("myco", "logs", "--s")).toBe("--since --socket");
    expect(complete("myco", "check", "c.b")).toBe("c.bash");
    const zsh = (await myco("completion", "zsh")).out.join("\n");
    expect(zsh.split("\n")[0]).toBe("#compdef myco");
    for (const command of ["up", "down", "status", "logs", "dashboard", "init", "completion"]) expect(zsh).toMatch(new RegExp(`^    ${command}\\) _arguments `, "m"));
    expect(await myco("completion", "fish")).toMatchObject({ code: 2, err: ["myco completion: 'fish' is not bash or zsh"] });
  });

  it("every command's --help ends with an example", async () => {
    const help = (await myco("--help")).out.join("\n");
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== "help");
    expect(commands.length).toBeGreaterThanOrEqual(17);
    for (const command of commands) {
      const text = (await myco(command, "--help")).out.join("\n");
      expect(text, command).toMatch(new RegExp(`Examples:\\n {2}myco ${command === "completion" ? "completion|eval" : command}`));
    }
  });
});

it("the starter's templates exist", () => {
  for (const t of ["database", "cache", "http-server", "monitoring"]) expect(existsSync(`examples/templates/${t}.yaml`)).toBe(true);
});
