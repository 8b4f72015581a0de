// Version constraints through `myco reload` on a running supervisor with real processes: the
// kernel refuses a reload that moves a dependency out of the range a running dependant works
// with, and an `undo` back to such a version, before anything starts (same pids, same
// revision); a version inside the range rolls the dependency out and leaves the dependant alone.
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { supervise, stopAll, freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { cli } from "./cli-in-process.ts";

afterEach(stopAll);

let ports: number[] = [];
const manifest = (dbVersion: string, range: string) => `
services:
  db:
    version: ${dbVersion}
    instances: { count: 1, addresses: ["127.0.0.1:${ports[0]}"] }
    ${fixture()}
  web:
    version: 1.0.0
    instances: { count: 2, addresses: ["127.0.0.1:${ports[1]}", "127.0.0.1:${ports[2]}"] }
    requires: [db]
    compatible: { db: "${range}" }
    ${fixture()}
`;

describe("version constraints on myco reload", () => {
  it("refuses a dependency version that breaks a running dependant, and an undo back to one; nothing restarts", async () => {
    ports = await freePorts(3);
    const r = await supervise(manifest("2.4.0", ">=2 <3"));
    const socket = join(r.dir, "run", "control.sock");
    mkdirSync(dirname(socket), { mode: 0o700 });
    const control = new ControlServer(r.supervisor, socket);
    await control.listen();
    try {
      const { kernel, executor, rollouts } = r.supervisor;
      await waitFor(() => kernel.state("web") === "running" && executor.pids().length === 3, 15_000, "db and web running");
      const pids = executor.pids().sort();
      const file = join(r.dir, "services.yaml");

      writeFileSync(file, manifest("3.0.0", ">=2 <3"));
      const refused = await cli(["reload", "--socket", socket]);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain("'db' from 2.4.0 to 3.0.0 would break running 'web' 1.0.0, which works with 'db' >=2.0.0 <3.0.0");
      await new Promise((res) => setTimeout(res, 300));
      expect(executor.pids().sort(), r.texts().join("\n")).toEqual(pids); // nothing restarted
      expect(rollouts.status("db")).toMatchObject({ phase: "idle", stable: 1 });

      // narrowing web's range while db runs 2.4.0: refused (E_COMPAT_RUNNING)
      writeFileSync(file, manifest("2.5.0", ">=2.5 <3"));
      const early = await cli(["reload", "--socket", socket]);
      expect(early.code).toBe(1);
      expect(early.err).toContain("reload giving service 'web' 1.0.0 the range >=2.5.0 <3.0.0 on service 'db' would leave it on running 2.4.0");

      // inside the range: db rolls out to revision 2, web keeps its processes; then the narrower range is taken
      const webPids = [0, 1].map((k) => executor.pidOf("web", k));
      writeFileSync(file, manifest("2.5.0", ">=2 <3"));
      const taken = await cli(["reload", "--socket", socket]);
      expect(taken.err).toBe("");
      expect(taken.code).toBe(0);
      await waitFor(() => rollouts.status("db").phase === "idle" && rollouts.status("db").stable === 2, 20_000, "db on revision 2");
      expect([0, 1].map((k) => executor.pidOf("web", k))).toEqual(webPids);
      writeFileSync(file, manifest("2.5.0", ">=2.5 <3"));
      const narrowed = await cli(["reload", "--socket", socket]);
      expect(narrowed.err).toBe("");
      expect(narrowed.code).toBe(0);

      // back to 2.4.0 breaks web's ">=2.5 <3": refused before anything starts
      const before = executor.pids().sort();
      const undo = await cli(["rollout", "undo", "db", "1", "--socket", socket]);
      expect(undo.code).toBe(1);
      expect(undo.err).toContain("undo of 'db' from 2.5.0 to 2.4.0 would break running 'web' 1.0.0, which works with 'db' >=2.5.0 <3.0.0");
      await new Promise((res) => setTimeout(res, 300));
      expect(executor.pids().sort()).toEqual(before);
      expect(rollouts.status("db")).toMatchObject({ phase: "idle", target: 2, stable: 2 });
    } finally {
      await control.close();
    }
  }, 60_000);
});
