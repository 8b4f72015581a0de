// Secrets encrypted at rest, for real: AES-256-GCM with a 0600 key file or MYCO_SECRET_KEY; a
// wrong, missing or exposed key is a clear error; a secret planted in a service's environment
// (run.env { secret: NAME }, and a config secret from MYCO_<SERVICE>_<KEY>) reaches the process
// (/proc/PID/environ, its config file) and appears in clear in no other channel: the store file,
// status, logs, metrics, errors, the audit trail.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, chmodSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { supervise, stopAll, freePorts, SERVICE_JS } from "../node-host/supervisor-helpers.ts";
import { waitFor } from "../node-host/helpers.ts";
import { SecretStore, generateKeyFile, KEY_VARIABLE } from "../../host/supervisor/secret-store.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { controlRequest } from "../../host/supervisor/control-protocol.ts";
import { credentialPath, readCredential } from "../../host/supervisor/credentials.ts";
import { serviceStatus } from "../../host/supervisor/status.ts";
import { SupervisorMetrics } from "../../host/metrics/metrics.ts";
import { ROOT } from "../manifest/helpers.ts";

const PLANTED = "pl4nted-S3CRET-at-rest-7d1e";
const CONFIG_PLANTED = "pl4nted-C0NFIG-token-4b9a";

afterEach(stopAll);

function store(): { dir: string; path: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "myco-secrets-"));
  const path = join(dir, "secrets.json");
  generateKeyFile(`${path}.key`);
  return { dir, path, keyFile: `${path}.key` };
}

const noKeyEnv = { ...process.env, [KEY_VARIABLE]: "" };

describe("the encrypted secret store", () => {
  it("stores AES-256-GCM ciphertext only; the right key opens it, a wrong, missing or exposed key is a clear error", () => {
    const { dir, path, keyFile } = store();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    SecretStore.open(path, keyFile, noKeyEnv).set("db-password", PLANTED);
    const bytes = readFileSync(path, "utf8");
    expect(bytes).not.toContain(PLANTED);
    expect(bytes).not.toContain(Buffer.from(PLANTED).toString("hex"));
    expect(bytes).not.toContain(Buffer.from(PLANTED).toString("base64").slice(0, 12));
    expect(JSON.parse(bytes)).toMatchObject({ version: 1, cipher: "aes-256-gcm", secrets: { "db-password": { iv: expect.any(String), tag: expect.any(String) } } });
    expect(SecretStore.open(path, keyFile, noKeyEnv).reveal("db-password")).toBe(PLANTED);
    const wrong = { ...process.env, [KEY_VARIABLE]: randomBytes(32).toString("hex") };
    expect(() => SecretStore.open(path, keyFile, wrong).reveal("db-password")).toThrow(`secret store ${path}: the key does not open secret 'db-password' (a wrong key, or the file was changed)`);
    expect(() => SecretStore.open(path, join(dir, "none.key"), noKeyEnv)).toThrow(`no secret key: set ${KEY_VARIABLE} (64 hex digits) or create the key file ${join(dir, "none.key")}`);
    expect(() => SecretStore.open(path, keyFile, { ...process.env, [KEY_VARIABLE]: "short" })).toThrow("is not 64 hex digits");
    chmodSync(keyFile, 0o644);
    expect(() => SecretStore.open(path, keyFile, noKeyEnv)).toThrow(`secret key file ${keyFile} may be read by others (mode 644); run \`chmod 600 ${keyFile}\``);
    chmodSync(keyFile, 0o600);
    // a ciphertext moved to another name, or a changed byte, does not open
    const file = JSON.parse(bytes);
    file.secrets.other = file.secrets["db-password"];
    writeFileSync(path, JSON.stringify(file));
    expect(() => SecretStore.open(path, keyFile, noKeyEnv).reveal("other")).toThrow("does not open secret 'other'");
    file.secrets["db-password"].data = file.secrets["db-password"].data.replace(/^./, (c: string) => (c === "0" ? "1" : "0"));
    writeFileSync(path, JSON.stringify(file));
    expect(() => SecretStore.open(path, keyFile, noKeyEnv).reveal("db-password")).toThrow("does not open secret 'db-password'");
  });

  it("myco secret keygen/set/list/rm: the value from stdin, never echoed", () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-secret-cli-"));
    const cli = (args: string[], input?: string) => spawnSync(process.execPath, [join(ROOT, "host/cli/myco.js"), "secret", "--store", join(dir, "s.json"), ...args], { encoding: "utf8", input, env: noKeyEnv });
    expect(cli(["keygen"]).status).toBe(0);
    expect(cli(["keygen"]).stderr).toMatch(/exists already/);
    const set = cli(["set", "api-key"], `${PLANTED}\n`);
    expect(set.status).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(PLANTED);
    expect(cli(["list"]).stdout.trim()).toBe("api-key");
    expect(readFileSync(join(dir, "s.json"), "utf8")).not.toContain(PLANTED);
    expect(SecretStore.open(join(dir, "s.json"), join(dir, "s.json.key"), noKeyEnv).reveal("api-key")).toBe(PLANTED);
    expect(cli(["rm", "api-key"]).status).toBe(0);
    expect(cli(["rm", "api-key"]).stderr).toMatch(/has no secret 'api-key'/);
  });

  it("a planted secret reaches its process and no other channel: status, logs, metrics, errors, audit trail", async () => {
    const { path, keyFile } = store();
    SecretStore.open(path, keyFile, noKeyEnv).set("db-password", PLANTED);
    const [port] = await freePorts(1);
    const r = await supervise(`
services:
  web:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    config:
      api-token: { type: string, secret: true, min: 16 }
    run: { allow-root: true, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SERVICE_JS)}], ready: listening, env: { DB_PASSWORD: { secret: db-password } } }
`, { secrets: { store: path, keyFile }, parse: { env: { MYCO_WEB_API_TOKEN: CONFIG_PLANTED } } });
    const socket = join(r.dir, "run", "control.sock");
    mkdirSync(dirname(socket), { mode: 0o700 });
    const control = new ControlServer(r.supervisor, socket);
    await control.listen();
    const { kernel } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const pid = r.supervisor.executor.pidOf("web", 0)!;
    // delivered: in the process's environment and its config file (the run directory is private)
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    expect(environ).toContain(`DB_PASSWORD=${PLANTED}`);
    const configFile = environ.find((v) => v.startsWith("MYCO_CONFIG="))!.slice("MYCO_CONFIG=".length);
    expect(JSON.parse(readFileSync(configFile, "utf8"))["api-token"]).toBe(CONFIG_PLANTED);

    const admin = readCredential(credentialPath(socket, "admin"));
    const viewer = readCredential(credentialPath(socket, "viewer"));
    const channels: Record<string, string> = {};
    channels.store = readFileSync(path, "utf8");
    channels.status = JSON.stringify(serviceStatus(r.supervisor)) + JSON.stringify(await controlRequest(socket, { command: "status" }, 5000, admin));
    channels.detail = JSON.stringify(await controlRequest(socket, { command: "detail", service: "web" }, 5000, admin));
    channels.dashboard = JSON.stringify(await controlRequest(socket, { command: "dashboard" }, 5000, admin));
    channels.logs = JSON.stringify(await controlRequest(socket, { command: "logs", lines: 1000 }, 5000, admin));
    channels.messages = JSON.stringify(r.messages) + JSON.stringify(r.events);
    channels.metrics = await new SupervisorMetrics(kernel, r.supervisor.health, r.supervisor.balancer).metrics();
    channels.errors = JSON.stringify(await controlRequest(socket, { command: "restart", service: "web" }, 5000, viewer))
      + JSON.stringify(await controlRequest(socket, { command: "detail", service: "nope" }, 5000, admin));
    try { r.supervisor.secretStore().reveal("no-such-secret"); } catch (error) { channels.storeError = String(error); }
    await waitFor(() => readFileSync(control.auditFile, "utf8").includes("restart"), 5000, "audit record");
    channels.audit = readFileSync(control.auditFile, "utf8");
    for (const [channel, text] of Object.entries(channels)) {
      for (const secret of [PLANTED, CONFIG_PLANTED]) {
        expect(text.length, channel).toBeGreaterThan(0);
        expect(text.includes(secret), `secret found in ${channel}`).toBe(false);
      }
    }
  });

  it("a run whose store cannot be opened refuses to start, naming what is missing", async () => {
    const { dir, path } = store();
    await expect(supervise(`
services:
  web:
    run: { allow-root: true, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SERVICE_JS)}], env: { DB_PASSWORD: { secret: db-password } } }
`, { secrets: { store: path, keyFile: join(dir, "missing.key") } })).rejects.toThrow(/no secret key: set MYCO_SECRET_KEY/);
    await expect(supervise(`
services:
  web:
    run: { allow-root: true, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SERVICE_JS)}], env: { DB_PASSWORD: { secret: db-password } } }
`, { secrets: { store: path } })).rejects.toThrow(`secret store ${path} has no secret 'db-password'`);
  });
});
