// One node's admission in virtual time: refusals naming the resource, the need and what is free;
// the queue (system before user, then priority); two-phase reservations that expire; units.
import { describe, it, expect } from "vitest";
import { Simulation, NodeResources, MycoError, resourceEventOf, Kernel, VirtualHal, ERROR_CODES, type KernelEvent } from "../../host/index.ts";

function node(capacity = { memory: 1024, cpu: 2000 }) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5 });
  const res = new NodeResources(sim.kernel);
  res.setCapacity(capacity);
  return { sim, k: sim.kernel, res };
}

const resourceEvents = (events: KernelEvent[]) => events.map(resourceEventOf).filter((e) => e !== null).map((e) => e!);

describe("admission", () => {
  it("refuses a start that does not fit, naming the service, resource, need and free", () => {
    const { sim, k, res } = node();
    k.register("big", { instances: 2 });
    k.register("small", { instances: 1 });
    res.configure("small", { requests: { memory: 300 } });
    res.configure("big", { requests: { memory: 400 } });
    k.start("small");
    sim.runFor(50);
    expect(k.state("small")).toBe("running");
    expect(res.node().held.memory).toBe(300);
    let error: unknown;
    try { k.start("big"); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(MycoError);
    expect((error as MycoError).codeName).toBe("E_RESOURCE_EXHAUSTED");
    expect((error as Error).message).toContain("'big'");
    expect((error as Error).message).toContain("memory: needs 800 (2 x 400), free 724 of 1024");
    expect(k.state("big")).toBe("stopped");
    sim.pump();
    expect(resourceEvents(sim.events).at(-1)).toMatchObject({ what: "refused", serviceName: "big", resource: "memory", value: 800 });
    k.stop("small");
    sim.runFor(50);
    expect(res.node().held.memory).toBe(0);
    k.start("big");
    sim.runFor(50);
    expect(k.state("big")).toBe("running");
    expect(res.admission("big").state).toBe("committed");
  });

  it("queues starts that do not fit and admits system before user, then by priority", () => {
    const { sim, k, res } = node({ memory: 100, cpu: 0 });
    k.register("holder", { type: "system" });
    k.register("user-high", { type: "user" });
    k.register("user-low", { type: "user" });
    k.register("sys", { type: "system" });
    for (const name of ["holder", "user-high", "user-low", "sys"]) res.configure(name, { requests: { memory: 100 }, admission: "queue" });
    res.configure("user-high", { requests: { memory: 100 }, admission: "queue", priority: 500 });
    k.start("holder");
    sim.runFor(50);
    k.start("user-low");
    k.start("user-high");
    k.start("sys");
    sim.runFor(50);
    expect(res.queued()).toBe(3);
    expect(k.state("sys")).toBe("starting");
    expect(res.admission("sys")).toEqual({ state: "queued", position: 0 });
    expect(res.admission("user-high").position).toBe(1);
    expect(res.admission("user-low").position).toBe(2);
    const order: string[] = [];
    for (let round = 0; round < 3; round++) {
      const running = ["holder", "sys", "user-high", "user-low"].find((s) => k.state(s) === "running")!;
      k.stop(running);
      sim.runFor(50);
      order.push(["sys", "user-high", "user-low"].find((s) => k.state(s) === "running")!);
    }
    expect(order).toEqual(["sys", "user-high", "user-low"]);
    const moves = resourceEvents(sim.events).filter((e) => e.what === "queued" || e.what === "admitted");
    expect(moves.map((e) => `${e.what} ${e.serviceName}`)).toEqual([
      "queued user-low", "queued user-high", "queued sys", "admitted sys", "admitted user-high", "admitted user-low",
    ]);
  });

  it("refuses a refuse-mode start while queued starts come before it", () => {
    const { sim, k, res } = node({ memory: 120, cpu: 0 });
    k.register("a");
    k.register("b");
    k.register("c");
    res.configure("a", { requests: { memory: 100 } });
    res.configure("b", { requests: { memory: 50 }, admission: "queue" });
    res.configure("c", { requests: { memory: 10 } });
    k.start("a");
    k.start("b");
    sim.runFor(50);
    expect(res.admission("b").state).toBe("queued");
    expect(() => k.start("c")).toThrow(/queued start\(s\) come before it/);
  });

  it("an exclusive unit has one holder; the next waits until it is at rest", () => {
    const { sim, k, res } = node({ memory: 0, cpu: 0 });
    const radio = res.declareUnit("radio", 1, true);
    k.register("modem", { instances: 1 });
    k.register("beacon", { instances: 1 });
    res.configure("modem", { units: [radio] });
    res.configure("beacon", { units: [radio], admission: "queue" });
    k.start("modem");
    sim.runFor(50);
    expect(res.unit(radio)).toMatchObject({ held: 1, holder: k.id("modem") });
    k.start("beacon");
    sim.runFor(50);
    expect(k.state("beacon")).toBe("starting");
    k.register("third");
    res.configure("third", { units: [radio] });
    expect(() => k.start("third")).toThrow(/unit 'radio' is exclusive and held by 'modem'/);
    sim.executor.crash("modem");
    sim.runFor(50);
    expect(k.state("modem")).toBe("failed");
    expect(k.state("beacon")).toBe("running");
    expect(res.unit(radio).holder).toBe(k.id("beacon"));
  });

  it("reservations are two-phase: an uncommitted one expires and frees what it held", () => {
    const { sim, k, res } = node({ memory: 100, cpu: 0 });
    k.register("mover");
    res.configure("mover", { requests: { memory: 60 } });
    const pending = res.reserve("mover", 1, 1000);
    expect(res.node().held.memory).toBe(60);
    expect(() => res.reserve("mover", 1, 1000)).toThrow(/memory: needs 60 \(1 x 60\), free 40 of 100/);
    sim.runFor(999);
    expect(res.node().held.memory).toBe(60);
    sim.runFor(2);
    expect(res.node().held.memory).toBe(0);
    expect(resourceEvents(sim.events).at(-1)).toMatchObject({ what: "reservation-expired", value: pending });
    expect(() => res.commit(pending)).toThrow(/is not held/);
    const kept = res.reserve("mover", 1, 1000);
    res.commit(kept);
    sim.runFor(5000);
    expect(res.node().held.memory).toBe(60);
    res.release(kept);
    expect(res.node().held.memory).toBe(0);
  });

  it("refuses bad records naming the field and the value", () => {
    const { k, res } = node();
    k.register("svc");
    expect(() => res.configure("svc", { requests: { memory: 200 }, limits: { memory: 100 } }))
      .toThrow(/service 'svc': resources.memory 200 \(request\) is above its limit/);
    expect(() => res.configure("svc", { priority: 5000 })).toThrow(/resources.priority 5000 is outside 0..1000/);
    expect(() => res.configure("svc", { scale: { min: 3, max: 2, metric: "inflight", target: 5 } })).toThrow(/scale.min 3/);
    res.configure("svc", { limits: { memory: 64, fds: 32 }, onLimit: "alert" });
    expect(res.read("svc")).toMatchObject({ limitMemory: 64, limitFds: 32, onLimit: 2, requestMemory: 0, coreMiB: 65535, scaleWindowMs: 300000 });
  });

  it("the mcu profile has no resources layer: its exports are there and answer E_RESOURCES_ABSENT", () => {
    const k = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    const absent = ERROR_CODES.E_RESOURCES_ABSENT.code;
    expect(k.exports.resourceQueued()).toBe(absent);
    expect(k.exports.resourceCapacity(1, 100n)).toBe(absent);
    expect(k.exports.usageReport(0, 1, 5n)).toBe(absent);
    expect(k.heapHighWater()).toBeLessThanOrEqual(65536);
  });
});
