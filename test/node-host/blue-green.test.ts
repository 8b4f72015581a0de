// Blue-green with real processes on loopback, through the gateway at a steady request rate: a
// reloaded manifest whose `run:` changed starts the whole green set beside blue (on its spare
// fixed addresses), switches the gateway's traffic at once, and an undo inside the rollback
// window switches it back at once to the same blue processes.
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { supervise, stopAll, freePorts } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { get } from "./gateway-helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { controlRequest } from "../../host/supervisor/control-protocol.ts";
import { steadyTraffic } from "./traffic.ts";
import { versionedWeb } from "./versioned-web.ts";

afterEach(stopAll);

const SWITCH = 10; // EVENT_ROLLOUT step: the traffic switched (assembly/rollout/tables.ts STEP_SWITCH)

describe("myco run: blue-green", () => {
  it("v1 -> v2 of 3 instances: every request after the switch goes to green; undo inside the window brings blue back, 0 failed requests", async () => {
    const ports = await freePorts(7);
    const gateway = ports[6];
    const yaml = versionedWeb(3, ports.slice(0, 6), gateway, "    update: { strategy: blue-green, health-gate: 300ms, rollback-window: 10m }\n");
    const r = await supervise(yaml("v1"));
    const { kernel, rollouts, executor } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const url = `http://127.0.0.1:${gateway}/`;
    expect((await get(url)).body).toMatch(/^ok web#\d v1\n$/);
    const bluePids = [0, 1, 2].map((k) => executor.pidOf("web", k));
    const switchedAt: number[] = [];
    r.supervisor.onEvent((e) => {
      if (e.serviceName === "web" && e.kind === "rollout" && e.fromCode === SWITCH) switchedAt.push(Date.now());
    });
    const traffic = steadyTraffic(url, 10);
    await new Promise((res) => setTimeout(res, 300));
    writeFileSync(join(r.dir, "services.yaml"), yaml("v2"));
    r.supervisor.reload();
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2, stable: 1 });
    await waitFor(() => switchedAt.length === 1, 30_000, "the switch to green");
    expect(kernel.instances("web")).toHaveLength(6);
    await waitFor(() => traffic.answers.filter((x) => x.atMs > switchedAt[0]).length >= 30, 30_000, "traffic after the switch");
    // blue still runs (on standby) through the window, untouched
    expect([0, 1, 2].map((k) => executor.pidOf("web", k))).toEqual(bluePids);

    const control = new ControlServer(r.supervisor, join(r.dir, "control.sock"));
    await control.listen();
    let undoneAt = 0;
    try {
      expect(await controlRequest(control.path, { command: "rollout", action: "undo", service: "web" }))
        .toMatchObject({ ok: true, rollout: { status: { target: 1 } } });
      undoneAt = Date.now();
    } finally {
      await control.close();
    }
    expect(switchedAt).toHaveLength(2); // switched back within the command
    await waitFor(() => rollouts.status("web").phase === "idle", 30_000, "the undo to complete");
    await waitFor(() => traffic.answers.filter((x) => x.atMs > undoneAt).length >= 30, 30_000, "traffic after the undo");
    await traffic.stop();

    const failed = traffic.answers.filter((x) => x.status !== 200);
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    // sent after the switch and answered before the switch back (one sent just before the undo may be read after it: blue's)
    const green = traffic.answers.filter((x) => x.atMs > switchedAt[0] && x.doneMs < switchedAt[1]);
    expect(green.length).toBeGreaterThanOrEqual(30);
    expect(green.filter((x) => !x.body.endsWith(" v2\n"))).toEqual([]);
    expect(traffic.answers.filter((x) => x.doneMs < switchedAt[0]).every((x) => x.body.endsWith(" v1\n"))).toBe(true); // answered before the switch: blue
    const back = traffic.answers.filter((x) => x.atMs > undoneAt);
    expect(back.filter((x) => !x.body.endsWith(" v1\n"))).toEqual([]);
    expect([0, 1, 2].map((k) => executor.pidOf("web", k))).toEqual(bluePids); // the same blue processes serve again
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([1, 1, 1]);
  }, 90_000);
});
