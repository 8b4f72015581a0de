// Two-phase placement (issue 13): reserve -> commit or release; an uncommitted reservation
// expires on the kernel's clock. A reservation holds its capacity, so two never promise the same
// room, and a placement is never half-applied.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet } from "../../host/index.ts";

function setup() {
  const hal = new VirtualHal();
  const kernel = new Kernel({ hal, profile: "release" });
  kernel.register("api");
  const fleet = new Fleet(kernel);
  fleet.addNode("a", { tier: "sclerotia", capacity: { cpu: 1000 } });
  fleet.addNode("b", { tier: "sclerotia", capacity: { cpu: 1000 } });
  fleet.spec("api", { class: "client", request: { cpu: 400 } });
  return { hal, kernel, fleet };
}

const cpuUsed = (fleet: Fleet) => fleet.used("a").cpu + fleet.used("b").cpu;

describe("two-phase placement", () => {
  it("a reservation holds capacity until committed; a commit keeps the instances", () => {
    const { fleet } = setup();
    const r = fleet.reserve("api", 3, 5_000);
    expect(fleet.reservation(r)).toBe(3);
    expect(cpuUsed(fleet)).toBe(1200);
    expect(fleet.assignments().every((a) => a.reserved)).toBe(true);
    // the held room is not promised twice: only one more fits
    expect(() => fleet.reserve("api", 2, 5_000)).toThrow(/'api' instance 4: no node fits: 2 nodes, 2 lack cpu \(need 400, largest free 200/);
    expect(fleet.commit(r)).toBe(3);
    expect(fleet.reservation(r)).toBeUndefined();
    expect(fleet.assignments().some((a) => a.reserved)).toBe(false);
    expect(cpuUsed(fleet)).toBe(1200);
    expect(() => fleet.commit(r)).toThrow(/reservation \d+ is not pending/);
  });

  it("a release gives the room back, all of it", () => {
    const { fleet } = setup();
    fleet.place("api", 1);
    const r = fleet.reserve("api", 2, 5_000);
    expect(fleet.release(r)).toBe(2);
    expect(cpuUsed(fleet)).toBe(400);
    expect(fleet.assignments()).toHaveLength(1);
    expect(() => fleet.release(r)).toThrow(/not pending/);
  });

  it("an uncommitted reservation expires on the kernel clock", () => {
    const { hal, kernel, fleet } = setup();
    const r = fleet.reserve("api", 2, 1_000);
    hal.advance(999);
    kernel.exports.tick();
    expect(fleet.reservation(r)).toBe(2);
    hal.advance(1);
    kernel.exports.tick();
    expect(fleet.reservation(r)).toBeUndefined();
    expect(cpuUsed(fleet)).toBe(0);
    expect(fleet.assignments()).toEqual([]);
    expect(() => fleet.commit(r)).toThrow(/not pending/);
  });

  it("refuses bad input and changes nothing", () => {
    const { fleet } = setup();
    expect(() => fleet.reserve("api", 1, 0)).toThrow(/'api': reservation time 0 ms is outside 1..86400000/);
    expect(() => fleet.reserve("api", 0, 10)).toThrow(/'api': count 0 is outside/);
    expect(() => fleet.commit(99)).toThrow(/reservation 99 is not pending/);
    expect(cpuUsed(fleet)).toBe(0);
  });

  it("the reservation table is bounded: a full one is an error, not a trap", () => {
    const { kernel, fleet } = setup();
    fleet.addNode("big", { tier: "sclerotia", capacity: { cpu: 100_000 } });
    fleet.spec("api", { class: "client", request: { cpu: 1 } });
    const ids: number[] = [];
    expect(() => { for (;;) ids.push(fleet.reserve("api", 1, 60_000)); }).toThrow(/reservations wait for a commit already/);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) fleet.release(id);
    expect(fleet.assignments()).toEqual([]);
    expect(kernel.exports.placementReservation(ids[0])).toBe(-1);
  });
});
