// Seeded simulation of rollouts (virtual HAL, simulated executor), rolling and blue-green: new
// revisions arriving mid-rollout (concurrent reloads), crashes of instances mid-rollout, new
// revisions that never become ready, undo commands (blue-green: often inside the rollback
// window). After every event: the history stays within its bound and holds the stable
// revision; every rollback targets a revision that completed before (good); without crashes
// the available instances never drop below what max-unavailable allows (blue-green: the
// balancer's pool never holds fewer than the instance count, before, during and after the
// switch and any switch back). Then a liveness phase: with the faults healed the service
// converges to one revision on every instance, the base count of them. A failure names its
// seed and strategy.
import { describe, it, expect } from "vitest";
import { Simulation, Rollouts, Recovery, Balancer, splitmix32, type KernelEvent } from "../../host/index.ts";

const HISTORY_MAX = 10;
const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);

function run(seed: number, strategy: "rolling" | "blue-green" | "canary") {
  const random = splitmix32(seed);
  const pick = (n: number) => Math.floor((random() / 4294967296) * n);
  const crashes = seed % 2 === 0;
  const sim = new Simulation({ profile: "debug", startDelayMs: 40, stopDelayMs: 10, jitterMs: 20, worldSeed: seed });
  const k = sim.kernel;
  const base = 2 + pick(4);
  k.register("web", { instances: base });
  new Recovery(k).configure("web", { restart: "on-failure", restartsMax: 8, windowMs: 100, backoff: { kind: "fixed", baseMs: 50 } }); // crashes here are injected, not a crash loop to give up on
  const rollouts = new Rollouts(k);
  const blueGreen = strategy === "blue-green";
  const surge = blueGreen ? 1 : pick(3), unavailable = blueGreen ? 0 : surge === 0 ? 1 + pick(2) : pick(3); // blue-green: after its window, the rolling rule
  const canaries = strategy === "canary" ? 1 + pick(base - 1) : 0; // replaced in place: that many fewer available until promoted
  const autoPromote = pick(2) === 0;
  rollouts.configure("web", blueGreen
    ? { strategy, maxSurge: surge, maxUnavailable: unavailable, progressDeadlineMs: 3000, failuresMax: 1, healthGateMs: pick(300), rollbackWindowMs: 100 + pick(1500) }
    : canaries > 0
      ? { strategy, maxSurge: surge, maxUnavailable: unavailable, progressDeadlineMs: 3000, failuresMax: 1, canary: { count: canaries, sharePercent: 1 + pick(100), healthyMs: pick(1500), autoPromote } }
      : { maxSurge: surge, maxUnavailable: unavailable, progressDeadlineMs: 3000, failuresMax: 1 });
  const lb = new Balancer(k);
  k.start("web");
  sim.runFor(1000);
  const problems: string[] = [];
  const fail = (what: string, e?: KernelEvent) => problems.push(`seed ${seed} ${strategy} t=${sim.hal.nowMs()}: ${what}${e ? ` (event ${e.seq})` : ""}`);
  const good = new Set<number>([1]);
  let lastStep = 0;
  const switches = { forward: 0, back: 0 };
  sim.onEvent((e) => {
    if (e.serviceName !== "web") return;
    const history = rollouts.history("web");
    const status = rollouts.status("web");
    if (history.length > HISTORY_MAX) fail(`history holds ${history.length} revisions`, e);
    if (!history.some((h) => h.revision === status.stable)) fail(`history lost the stable revision ${status.stable}`, e);
    if (e.kind === "rollout") {
      if (e.fromCode === 4) good.add(e.value); // complete
      if (e.fromCode === 10) switches[good.has(e.value) ? "back" : "forward"]++; // blue-green's switch: to green, or back to blue
      if (lastStep === 5 && e.fromCode === 1 && !good.has(e.value)) fail(`rollback went to revision ${e.value}, never good`, e);
      lastStep = e.fromCode;
    }
    if (!crashes && e.kind === "instance-state" && status.phase !== "idle" && k.state("web") === "running") {
      const allowed = Math.max(unavailable, canaries);
      if (status.available < status.desired - allowed) fail(`${status.available} available < ${status.desired} - ${allowed}`, e);
      const members = lb.serviceStats("web").members; // running, not draining, not on standby: what the balancer picks from
      if (blueGreen && members < status.desired) fail(`${members} in the balancer's pool < ${status.desired}`, e);
    }
  });
  for (let step = 0; step < 40; step++) {
    const action = pick(10);
    if (action < 3) {
      if (pick(3) === 0) sim.executor.hangOnStart("web", 1); // this revision's first instance never gets ready
      rollouts.newRevision("web"); // also while one is in progress: a concurrent reload
    } else if (action < 5 && crashes) {
      const handles = k.instances("web").filter((h) => k.instanceState(h) === "running");
      if (handles.length > 0) sim.executor.crash("web", k.instances("web").indexOf(handles[pick(handles.length)]));
    } else if (action === 5) {
      try { rollouts.undo("web"); } catch { /* no earlier good revision yet */ }
    } else if (action === 6 && canaries > 0) {
      try { rollouts.promote("web"); } catch { /* no canary waiting */ }
    }
    sim.runFor(50 + pick(700));
  }
  sim.executor.heal?.();
  for (let t = 0; t < 60; t++) {
    if (canaries > 0 && !autoPromote) try { rollouts.promote("web"); } catch { /* no canary waiting */ } // the operator's part
    sim.runFor(1_000);
  }
  const status = rollouts.status("web");
  const revs = k.instances("web").map((h) => rollouts.revisionOf(h));
  if (status.phase !== "idle") problems.push(`seed ${seed} ${strategy}: rollout still ${status.phase} after the liveness phase`);
  if (revs.length !== base || revs.some((r) => r !== status.stable)) problems.push(`seed ${seed} ${strategy}: instances on ${revs.join(",")}, stable ${status.stable}, base ${base}`);
  if (k.state("web") !== "running") problems.push(`seed ${seed} ${strategy}: service ${k.state("web")}`);
  if (problems.length > 0 && process.env.ROLLOUT_DEBUG) {
    problems.push(`instances ${k.instances("web").length}`);
    problems.push(JSON.stringify({ service: k.state("web"), status, instances: k.instances("web").map((h) => [k.instanceState(h), rollouts.revisionOf(h)]) }));
    for (const e of sim.events.filter((e) => e.serviceName === "web" && e.kind !== "health").slice(-25)) problems.push(`${e.timeMs} ${e.kind} ${e.instance & 0xffff} ${e.fromCode}>${e.toCode} ${e.cause} ${e.value}`);
  }
  return { problems, switches };
}

describe("seeded rollout simulation", () => {
  it.each(SEEDS)("rolling, seed %i keeps the invariants and converges", (seed) => {
    expect(run(seed, "rolling").problems).toEqual([]);
  });
  const blueGreen = { forward: 0, back: 0 };
  it.each(SEEDS)("blue-green, seed %i keeps the invariants and converges", (seed) => {
    const { problems, switches } = run(seed, "blue-green");
    expect(problems).toEqual([]);
    blueGreen.forward += switches.forward;
    blueGreen.back += switches.back;
  });
  it.each(SEEDS)("canary, seed %i keeps the invariants and converges", (seed) => {
    expect(run(seed, "canary").problems).toEqual([]);
  });
  it("the blue-green seeds switched to green and back to blue inside the window, many times each", () => {
    expect(blueGreen.forward).toBeGreaterThan(50);
    expect(blueGreen.back).toBeGreaterThan(10);
  });
});
