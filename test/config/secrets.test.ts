// Secrets never leave in clear: a planted secret value is searched for in every output channel
// (status, events, actions, errors, counters, dumps, the CLI's output, the blob file's bytes).
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Simulation } from "../../host/executors/simulation.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { parseManifest } from "../../host/manifest/parse.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";
import { ROOT, PLANTED_SECRET, SECRET_ENV, examples, compileFile } from "../manifest/helpers.ts";

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("secrets", () => {
  it("the planted secret appears in no output channel", () => {
    const file = examples().find((f) => f.includes("sensor-node"))!;
    const { blob } = compileFile(file, { env: SECRET_ENV });
    const channels: Record<string, string> = {};
    channels.blob = latin1(blob); // masked in the blob: not even `strings` shows it
    const sim = new Simulation({ seed: 9 });
    const m = new KernelManifest(sim.kernel);
    m.load(blob);
    sim.kernel.startAll();
    sim.runFor(5_000);
    // a second version with a changed secret and a rejected third one (errors about the secret)
    const second = compileFile(file, { env: { ...SECRET_ENV, MYCO_TELEMETRY_UPLINK_API_TOKEN: PLANTED_SECRET + "2" } });
    m.load(second.blob);
    sim.runFor(5_000);
    channels.status = JSON.stringify(sim.kernel.serviceIds().map((id) => ({ name: sim.kernel.name(id), state: sim.kernel.state(id), config: m.config(id) })));
    channels.events = JSON.stringify(sim.events) + latin1(sim.kernel.readEventBytes());
    channels.dump = JSON.stringify(m.dump()) + latin1(m.dumpBlob());
    channels.counters = JSON.stringify(m.cacheCounters());
    try { m.get("telemetry-uplink", "api-token"); } catch (e) { channels.get = String(e); }
    try { sim.kernel.check(m.x.configGet(sim.kernel.id("telemetry-uplink"), sim.kernel.put("api-token"))); } catch (e) { channels.configGet = String(e); }
    // the kernel's own validation error about a secret that is too short
    const tooShort = parseManifest(readFileSync(file, "utf8"), "services.yaml", { env: { MYCO_TELEMETRY_UPLINK_API_TOKEN: "short-" + PLANTED_SECRET.slice(0, 3) } });
    channels.hostErrors = tooShort.diagnostics.map(formatDiagnostic).join("\n");
    const longSecret = compileFile(file, { env: { MYCO_TELEMETRY_UPLINK_API_TOKEN: PLANTED_SECRET } });
    const tampered = longSecret.blob.slice();
    // shrink the token's allowed length in the record so the kernel rejects the secret itself
    const key = Buffer.from(tampered).indexOf("api-token");
    tampered[key + 9 + 0] = 100; // min length 100 > the secret's length
    const { seal } = require_seal();
    try { m.load(seal(tampered)); } catch (e) { channels.kernelError = String(e); }
    expect(channels.kernelError).toMatch(/api-token' \(a secret of \d+ bytes\)/);
    const dir = mkdtempSync(join(tmpdir(), "myco-secret-"));
    const cli = spawnSync(process.execPath, [join(ROOT, "host/cli/myco.js"), "compile", file, "-o", join(dir, "s.myco")], {
      encoding: "utf8", env: { ...process.env, MYCO_TELEMETRY_UPLINK_API_TOKEN: PLANTED_SECRET },
    });
    channels.cli = cli.stdout + cli.stderr + latin1(new Uint8Array(readFileSync(join(dir, "s.myco"))));
    const check = spawnSync(process.execPath, [join(ROOT, "host/cli/myco.js"), "check", file], {
      encoding: "utf8", env: { ...process.env, MYCO_TELEMETRY_UPLINK_API_TOKEN: "tiny" + PLANTED_SECRET.slice(0, 2) },
    });
    channels.cliCheck = check.stdout + check.stderr;
    expect(check.status).toBe(1);
    for (const [channel, text] of Object.entries(channels)) {
      expect(text.includes(PLANTED_SECRET), `planted secret found in ${channel}`).toBe(false);
      expect(text.includes(PLANTED_SECRET.slice(0, 12)), `secret prefix found in ${channel}`).toBe(false);
    }
    // ...and the one reveal path works, for executors
    expect(m.revealSecret("telemetry-uplink", "api-token")).toBe(PLANTED_SECRET + "2");
    expect(m.config("telemetry-uplink")["api-token"]).toBe("<redacted>");
  });
});

import * as blobModule from "../../host/manifest/blob.ts";
function require_seal() { return { seal: blobModule.seal }; }
