// The simulated executor executes every action kind on its simulated world, as the process
// host does on real processes: config-changed and config-reload make the started instances
// read the configuration again (same handle, no restart), failover moves the service's traffic
// to the backup until an instance of it runs again, a reboot request is counted.
import { describe, it, expect } from "vitest";
import { Simulation } from "../../host/executors/simulation.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { Recovery } from "../../host/kernel/recovery.ts";
import { compileText } from "../manifest/helpers.ts";

const yaml = (level: number) => `services:
  primary:
    instances: 2
    config:
      level: { type: int, min: 0, max: 9, hot: true, value: ${level} }
  standby: {}
`;

function started(level: number): { sim: Simulation; manifest: KernelManifest } {
  const sim = new Simulation({ seed: 5 });
  const manifest = new KernelManifest(sim.kernel);
  manifest.load(compileText(yaml(level)).blob);
  sim.kernel.startAll();
  sim.runFor(1_000);
  return { sim, manifest };
}

describe("the simulated executor executes every action kind", () => {
  it("config-changed: the running instances read the new value in place", () => {
    const { sim, manifest } = started(1);
    const handles = sim.kernel.instances("primary");
    expect(handles.map((h) => sim.executor.configOf(h))).toEqual([
      { reads: 1, values: { level: "1" } }, { reads: 1, values: { level: "1" } },
    ]);
    expect(sim.executor.configOf(sim.kernel.instances("standby")[0])).toBeUndefined(); // no keys, nothing to read
    manifest.load(compileText(yaml(7)).blob);
    sim.runFor(1_000);
    expect(sim.kernel.instances("primary")).toEqual(handles);
    expect(handles.map((h) => sim.executor.configOf(h))).toEqual([
      { reads: 2, values: { level: "7" } }, { reads: 2, values: { level: "7" } },
    ]);
  });

  it("config-reload and failover: the survivor reloads, traffic goes to the backup until the instance is back", () => {
    const { sim } = started(3);
    new Recovery(sim.kernel).configure("primary", {
      restart: "on-failure", backup: "standby", strategies: { crash: ["config-reload", "failover", "restart-instance"] },
      backoff: { kind: "fixed", baseMs: 500, capMs: 500, jitter: "none" },
    });
    const [crashed, survivor] = sim.kernel.instances("primary");
    expect(sim.executor.routeOf("primary")).toBe("primary");
    sim.executor.crash("primary", 0);
    sim.runFor(10);
    expect(sim.executor.configOf(survivor)).toEqual({ reads: 2, values: { level: "3" } });
    expect(sim.executor.configOf(crashed)).toBeUndefined(); // gone from the world
    expect(sim.executor.routeOf("primary")).toBe("standby");
    sim.runFor(1_000);
    const back = sim.kernel.instances("primary")[0];
    expect(back).not.toBe(crashed);
    expect(sim.kernel.instanceState(back)).toBe("running");
    expect(sim.executor.routeOf("primary")).toBe("primary");
    expect(sim.executor.configOf(back)).toEqual({ reads: 1, values: { level: "3" } });
  });

  it("reboot-request: counted when escalation reaches its end", () => {
    const sim = new Simulation({ seed: 5 });
    sim.kernel.register("fragile", { instances: 1 });
    new Recovery(sim.kernel).configure("fragile", {
      restart: "on-failure", restartsMax: 1, windowMs: 60_000, escalation: { reboot: true },
      backoff: { kind: "fixed", baseMs: 10, capMs: 10, jitter: "none" },
    });
    sim.kernel.startAll();
    sim.runFor(100);
    for (let i = 0; i < 3; i++) {
      sim.executor.crash("fragile", 0);
      sim.runFor(200);
    }
    expect(sim.kernel.state("fragile")).toBe("failed");
    expect(sim.executor.rebootRequests).toBe(1);
  });
});
