// The control socket with access control, for real: a supervisor with a user and a system
// service, a credential per role, every command tried by every role (the kernel decides; each
// change and each denial lands in the hash-chained audit trail), a caller without a credential
// denied, and another local user unable even to connect.
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, statSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { supervise, stopAll, freePorts, fixture } from "../node-host/supervisor-helpers.ts";
import { waitFor } from "../node-host/helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { controlRequest, type ControlRequest } from "../../host/supervisor/control-protocol.ts";
import { credentialPath, readCredential, ROLE_NAMES, type RoleName } from "../../host/supervisor/credentials.ts";
import { readAudit, verifyAudit } from "../../host/supervisor/audit-trail.ts";

afterEach(stopAll);

async function serve() {
  const [web, netd] = await freePorts(2);
  const r = await supervise(`
services:
  netd:
    type: system
    instances: { count: 1, addresses: ["127.0.0.1:${netd}"] }
    ${fixture("", ", ready: listening")}
  web:
    instances: { count: 1, addresses: ["127.0.0.1:${web}"] }
    ${fixture("", ", ready: listening")}
`);
  const path = `${r.dir}/run/control.sock`;
  mkdirSync(dirname(path), { mode: 0o700 });
  const control = new ControlServer(r.supervisor, path);
  await control.listen();
  await waitFor(() => r.supervisor.kernel.state("web") === "running" && r.supervisor.kernel.state("netd") === "running", 10_000, "running");
  const as = (role: RoleName) => readCredential(credentialPath(path, role));
  return { r, path, control, as };
}

/** One request per command the socket knows; the ones that change something leave things as they were. */
const TRIES: { request: ControlRequest; changes: boolean }[] = [
  { request: { command: "status" }, changes: false },
  { request: { command: "logs", service: "web" }, changes: false },
  { request: { command: "detail", service: "web" }, changes: false },
  { request: { command: "dashboard" }, changes: false },
  { request: { command: "alerts" }, changes: false },
  { request: { command: "whoami" }, changes: false },
  { request: { command: "restart", service: "web" }, changes: true },
  { request: { command: "stop", service: "web" }, changes: true },
  { request: { command: "start", service: "web" }, changes: true },
  { request: { command: "silence", service: "web", durationMs: 1000 }, changes: true },
  { request: { command: "restart", service: "netd" }, changes: true },
  { request: { command: "reload" }, changes: true },
];

function allowed(role: RoleName | "none", t: (typeof TRIES)[number]): boolean {
  if (role === "none") return false;
  if (!t.changes) return true;
  if (role === "viewer") return false;
  return "service" in t.request && t.request.service === "netd" ? role === "admin" : true;
}

describe("the control socket's access control", () => {
  it("files and socket are private: directory 0700, socket and credentials 0600", async () => {
    const { path } = await serve();
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(credentialPath(path, "admin"))).mode & 0o777).toBe(0o700);
    for (const role of ROLE_NAMES) expect(statSync(credentialPath(path, role)).mode & 0o777, role).toBe(0o600);
  });

  it("every command by every role (and by no one): the kernel's answer, and each change or denial audited", async () => {
    const { r, path, control, as } = await serve();
    let expectedAudits = 0;
    for (const role of [...ROLE_NAMES, "none"] as const) {
      for (const t of TRIES) {
        const credential = role === "none" ? "not-a-credential" : as(role);
        const answer = await controlRequest(path, t.request, 10_000, credential);
        const label = `${role} ${JSON.stringify(t.request)}`;
        if (allowed(role, t)) {
          expect(answer, label).toMatchObject({ ok: true });
        } else {
          const who = role === "none" ? "an unidentified caller" : `principal '${role}' (${role})`;
          expect(answer, label).toEqual({ ok: false, error: expect.stringContaining(`${who} may not`) });
        }
        if (t.changes || !allowed(role, t)) expectedAudits++;
        if (t.request.command === "stop" && allowed(role, t)) await waitFor(() => r.supervisor.kernel.state("web") === "stopped", 10_000, "web stopped");
        if (t.request.command === "start" && allowed(role, t)) await waitFor(() => r.supervisor.kernel.state("web") === "running", 10_000, "web running");
      }
    }
    await waitFor(() => readAudit(control.auditFile).length === expectedAudits, 5000, `${expectedAudits} audit records`);
    const records = readAudit(control.auditFile);
    expect(records.filter((x) => !x.allowed).length).toBe(TRIES.filter((t) => !allowed("viewer", t)).length
      + TRIES.filter((t) => !allowed("operator", t)).length + TRIES.length);
    expect(records.find((x) => x.principal === "operator" && x.service === "netd")).toMatchObject({ command: "restart", allowed: false, code: -340, role: "operator" });
    expect(records.find((x) => x.principal === "(unidentified)" && x.command === "status")).toMatchObject({ allowed: false, role: "none" });
    expect(records.filter((x) => x.principal === "admin").every((x) => x.allowed)).toBe(true);
    expect(verifyAudit(control.auditFile)).toMatchObject({ ok: true, records: expectedAudits });
    expect((await controlRequest(path, { command: "whoami" }, 5000, as("operator")))).toMatchObject({ ok: true, principal: "operator", role: "operator" });
  });

  it("another local user cannot connect to the socket, nor read a credential", async () => {
    if (process.getuid?.() !== 0) throw new Error("this proof acts as another user (nobody): run it as root, as CI does");
    const { path } = await serve();
    const script = `const s=require("node:net").connect(${JSON.stringify(path)});s.on("connect",()=>{console.log("connected");process.exit(0)});s.on("error",(e)=>{console.log(e.code);process.exit(0)});`;
    const asNobody = (args: string[]) => spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ...args], { encoding: "utf8" });
    const connect = asNobody([process.execPath, "-e", script]);
    expect(connect.error).toBeUndefined();
    expect(connect.stdout.trim()).toBe("EACCES");
    const read = asNobody(["cat", credentialPath(path, "viewer")]);
    expect(read.status).not.toBe(0);
    expect(read.stderr).toMatch(/Permission denied/);
    // root (the owner here) still connects
    expect(spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout.trim()).toBe("connected");
    expect(readFileSync(credentialPath(path, "admin"), "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
  });
});
