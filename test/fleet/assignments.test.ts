// From the kernel's counts to store operations: a moved instance keeps its name, a singleton
// moves break-before-make, a draining node's instances move make-before-break one batch at a
// time, surplus copies go, new ones get fresh names.
import { describe, expect, it } from "vitest";
import { diffAssignments, type Assigned, type DiffContext } from "../../host/fleet/assignments.ts";

const counts = (spec: Record<string, Record<string, number>>) => new Map(Object.entries(spec).map(([s, nodes]) => [s, new Map(Object.entries(nodes))]));
const at = (node: string, service: string, instance: string): Assigned => ({ node, service, instance });
const context = (over: Partial<DiffContext> = {}): DiffContext => ({
  singleton: () => false, singletonRunning: () => false, draining: new Set(), running: () => false, rollingBatch: 1, ...over,
});
const show = (list: Assigned[]) => list.map((a) => `${a.instance}@${a.node}`).sort();

describe("assignment diff", () => {
  it("keeps names across a move, names new copies freshly, deletes surplus", () => {
    const current = [at("dead", "web", "web-0"), at("a", "web", "web-1"), at("a", "db", "db-0"), at("b", "db", "db-1")];
    const diff = diffAssignments(counts({ web: { a: 1, b: 2 }, db: { b: 1 } }), current, ["web", "db"], context());
    expect(show(diff.puts)).toEqual(["web-0@b", "web-2@b"]);
    expect(show(diff.deletes)).toEqual(["db-0@a", "web-0@dead"]);
    expect(diff.held).toEqual([]);
  });

  it("holds a singleton's new copy while its old copy still reports, deleting the old one first", () => {
    const current = [at("a", "store", "store-0")];
    const held = diffAssignments(counts({ store: { b: 1 } }), current, ["store"], context({ singleton: () => true, singletonRunning: () => true }));
    expect([show(held.puts), show(held.deletes), show(held.held)]).toEqual([[], ["store-0@a"], ["store-0@b"]]);
    const free = diffAssignments(counts({ store: { b: 1 } }), [], ["store"], context({ singleton: () => true }));
    expect(show(free.puts)).toEqual(["store-0@b"]);
  });

  it("drains rolling: one replacement at a time, each old copy deleted once its replacement runs", () => {
    const draining = new Set(["d"]);
    const start = [at("d", "web", "web-0"), at("d", "web", "web-1")];
    const first = diffAssignments(counts({ web: { b: 2 } }), start, ["web"], context({ draining }));
    expect([show(first.puts), show(first.deletes), show(first.held)]).toEqual([["web-0@b"], [], ["web-1@b"]]);
    const moving = [...start, at("b", "web", "web-0")];
    const waiting = diffAssignments(counts({ web: { b: 2 } }), moving, ["web"], context({ draining }));
    expect([show(waiting.puts), show(waiting.deletes)]).toEqual([[], []]); // web-0@b not running yet: both copies stay
    const next = diffAssignments(counts({ web: { b: 2 } }), moving, ["web"], context({ draining, running: (n, i) => n === "b" && i === "web-0" }));
    expect([show(next.puts), show(next.deletes)]).toEqual([["web-1@b"], ["web-0@d"]]);
  });
});
