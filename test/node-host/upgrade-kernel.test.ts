// `myco upgrade-kernel` on a running supervisor, with real processes behind the gateway and
// clients sending requests the whole time: the kernel module is replaced three times, and no
// request fails, no child restarts (the same pids), the event log continues without a gap. A
// module that is not wasm, one whose kernel refuses the snapshot (another profile, another
// layout) leave the old kernel in charge, still serving.
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { supervise, stopAll, freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { get } from "./gateway-helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { modulePath } from "../../host/kernel/module.ts";
import { cli } from "./cli-in-process.ts";

afterEach(stopAll);

describe("myco upgrade-kernel", () => {
  it("replaces the kernel under gateway traffic: 0 failed requests, 0 restarts, no gap in the event log", async () => {
    const [a, b, c, gateway] = await freePorts(4);
    const r = await supervise(`
services:
  web:
    instances: { count: 3, addresses: ["127.0.0.1:${a}", "127.0.0.1:${b}", "127.0.0.1:${c}"] }
    ${fixture("", `, ready: listening, gateway: { port: ${gateway}, timeout: 2s }`)}
`);
    const socket = join(r.dir, "run", "control.sock");
    mkdirSync(dirname(socket), { mode: 0o700 });
    const control = new ControlServer(r.supervisor, socket);
    await control.listen();
    try {
      const { kernel, executor } = r.supervisor;
      await waitFor(() => kernel.state("web") === "running" && executor.pids().length === 3, 15_000, "web running");
      await waitFor(() => r.supervisor.gateways.size === 1, 5000, "gateway open");
      const pids = executor.pids().sort();

      let sending = true;
      const statuses: number[] = [];
      const client = async () => {
        while (sending) {
          try { statuses.push((await get(`http://127.0.0.1:${gateway}/`)).status); } catch { statuses.push(0); }
        }
      };
      const clients = [client(), client(), client()];
      await waitFor(() => statuses.length >= 20, 10_000, "traffic");

      const release = modulePath("release");
      for (let round = 0; round < 3; round++) {
        const seen = statuses.length;
        const answer = await cli(["upgrade-kernel", release, "--socket", socket]);
        expect(answer.err).toBe("");
        expect(answer.code).toBe(0);
        expect(answer.out).toMatch(/^kernel upgraded to .*release\.wasm: \d+ bytes of state carried over, [\d.]+ ms pause, events continue at #\d+$/);
        await waitFor(() => statuses.length >= seen + 20, 10_000, "traffic after the upgrade");
      }

      // a module that is not wasm, a truncated one, and kernels that refuse the snapshot
      const garbage = join(r.dir, "garbage.wasm");
      writeFileSync(garbage, "this is not a kernel");
      const truncated = join(r.dir, "truncated.wasm");
      writeFileSync(truncated, readFileSync(release).subarray(0, 5000));
      const refusals: [string, RegExp][] = [
        [garbage, /not a valid WebAssembly module/],
        [truncated, /not a valid WebAssembly module/],
        [modulePath("bench"), /was not taken: snapshot of build profile 0 cannot restore into profile 2.*the running kernel stays/],
        [modulePath("debug"), /was not taken: snapshot's .*(tables lie elsewhere|other globals).*the running kernel stays/],
      ];
      for (const [file, reason] of refusals) {
        const seen = statuses.length;
        const answer = await cli(["upgrade-kernel", file, "--socket", socket]);
        expect(answer.code).toBe(1);
        expect(answer.err).toMatch(reason);
        await waitFor(() => statuses.length >= seen + 10, 10_000, "traffic after a refused upgrade");
      }

      sending = false;
      await Promise.all(clients);
      expect(statuses.length).toBeGreaterThan(100);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(executor.pids().sort()).toEqual(pids);
      expect(kernel.state("web")).toBe("running");
      const seqs = r.events.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i)); // every event once, in order, no gap
      expect(r.events.filter((e) => e.kind === "instance-state" && e.to === "starting")).toHaveLength(3); // the first three only
      expect(kernel.eventsLost).toBe(0);
    } finally {
      await control.close();
    }
  }, 120_000);
});
