// The seeded fleet simulator: one kernel's placement tables under the virtual HAL, driven
// through node joins, deaths, partitions (suspect, then back or dead), capacity changes, label
// changes, health samples and promotions, drains, manual moves and instances placed or
// removed. After every step the kernel plans (planning rounds), a simulated executor carries
// the moves out (some fail and are planned again), and fleet-invariants.ts checks the state. A
// failure says "reproduce with seed=... step=...": the same seed replays the same run.
import { Kernel, VirtualHal, Fleet, Plans, moveOf, MycoError, type Move, type Tier, type PlacementClass } from "../index.ts";
import { splitmix32 } from "../hal/virtual.ts";
import { checkFleet } from "./fleet-invariants.ts";
import type { FleetModel, ServiceModel } from "./fleet-model.ts";

export interface FleetSimOptions {
  steps?: number;
  /** A kernel module to run instead of build/release.wasm: a build with a planted bug the invariants must catch (`asc --use PLANT_BUG=n`, test-only). */
  module?: WebAssembly.Module;
  /** Called after every step with the utilisation per node (the SVG timeline reads it). */
  onStep?: (step: number, sample: UtilisationSample[]) => void;
}

export interface UtilisationSample { node: string; tier: Tier; state: string; cpu: number; memory: number }

export interface FleetSimResult {
  seed: number; ok: boolean; step: number; message: string; moves: number; rounds: number;
  /** Moves the kernel gave up at its retry limit (no node left for the instance). */
  gaveUp: number;
}

const LABELS = ["disk=ssd", "disk=hdd", "gpu=yes"];
const ZONES = ["zone=a", "zone=b", "zone=c"];
const CLASSES: PlacementClass[] = ["critical", "user", "client", "distributed"];
/** Planning rounds a step may take to converge (rolling batches, native steps, failed moves). */
export const ROUNDS_MAX = 64;

export function runFleetSeed(seed: number, options: FleetSimOptions = {}): FleetSimResult {
  const steps = options.steps ?? 500;
  const next = splitmix32(seed);
  const random = () => next() / 2 ** 32;
  const below = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[below(xs.length)];
  const hal = new VirtualHal(seed);
  const kernel = new Kernel({ hal, profile: "release", ...(options.module ? { module: options.module } : {}) });
  const fleet = new Fleet(kernel);
  const plans = new Plans(kernel, fleet);
  plans.settings({ healthThreshold: 40, healthDurationMs: 2_000, promoteAfterMs: 5_000 });
  const model: FleetModel = { services: new Map(), nodes: new Map(), labels: new Map() };
  let moves = 0, gaveUp = 0, step = 0, nextNode = 0;

  for (let i = 0; i < 6; i++) {
    const name = `svc${i}`;
    const s: ServiceModel = {
      name, class: CLASSES[i % 4], request: { cpu: 100 * (1 + below(4)), memory: 64 * (1 + below(6)) }, maxPerNode: below(3),
      forbid: i % 4 !== 0 && random() < 0.3 ? pick(LABELS) : undefined,
    };
    kernel.register(name);
    const migration = pick([{ strategy: "rolling" as const, batch: 1 + below(3), ms: 1000 }, { strategy: "blue-green" as const, ms: 5000 }, { strategy: "live" as const, ms: 100 }]);
    const native = s.class === "distributed" && random() < 0.5;
    fleet.spec(name, {
      class: s.class, request: s.request, maxPerNode: s.maxPerNode, scoring: random() < 0.5 ? "spread" : "binpack", migration,
      rules: s.forbid ? [{ label: s.forbid, action: "forbid" }] : [],
      ...(native ? { deployment: { model: "native" as const, shards: 8, rebalance: 1 + below(3) } } : {}),
    });
    model.services.set(name, s);
  }

  const join = (tier: Tier): void => {
    const name = `n${nextNode++}`;
    const big = tier === "sclerotia";
    const labels = random() < 0.4 ? [pick(LABELS)] : [];
    model.labels.set(name, new Set(labels));
    fleet.addNode(name, {
      tier, zone: pick(ZONES), labels,
      capacity: { cpu: big ? 4000 : 500 * (2 + below(4)), memory: big ? 8192 : 1024 + 512 * below(4) },
    });
    model.nodes.set(name, tier);
  };
  const live = (): string[] => [...model.nodes.keys()];
  const alive = (): string[] => live().filter((n) => fleet.nodeView(n).state === "alive");
  const tolerate = (f: () => unknown): void => {
    try { f(); } catch (error) { if (!(error instanceof MycoError)) throw error; } // a refusal is an answer, not a failure
  };

  /** A failed move's report: the kernel's retry limit may give the move up (E_MOVE_GAVE_UP), an answer, not a failure. */
  const giveUp = (f: () => unknown): void => {
    try { f(); } catch (error) { if (!(error instanceof MycoError) || error.codeName !== "E_MOVE_GAVE_UP") throw error; gaveUp++; }
  };

  /** Plans and executes until the plan is empty; some moves fail and are planned again. */
  const converge = (): string | undefined => {
    for (let round = 0; round < ROUNDS_MAX; round++) {
      const emitted = plans.round();
      const batch = kernel.drainActions().map(moveOf).filter((m): m is Move => m !== undefined);
      if (round === 0) {
        const stuck = checkFleet(fleet, plans, model, "dead");
        if (stuck) return stuck;
      }
      for (const m of batch) {
        plans.report(m.slot, "started");
        if (random() < 0.1) giveUp(() => plans.report(m.slot, "failed")); // at the kernel's retry limit: elsewhere, or given up
        else { plans.report(m.slot, "done"); moves++; }
      }
      const size = plans.size();
      if (emitted === 0 && size.needed + size.planned + size.started === 0) return undefined;
    }
    return `the plan did not converge in ${ROUNDS_MAX} rounds (${JSON.stringify(plans.size())})`;
  };

  try {
    for (let i = 0; i < 3; i++) join("sclerotia");
    for (let i = 0; i < 3; i++) join("rhizomorph");
    join("hyphae");
    for (step = 0; step < steps; step++) {
      const nodes = live();
      const node = pick(nodes);
      const roll = below(100);
      if (roll < 8 && nodes.length < 24) join(pick(["sclerotia", "rhizomorph", "rhizomorph", "hyphae"] as Tier[]));
      else if (roll < 14 && nodes.length > 4) { tolerate(() => fleet.setState(node, "dead")); }
      else if (roll < 18) { const dead = nodes.filter((n) => fleet.nodeView(n).state === "dead"); if (dead.length) { fleet.removeNode(pick(dead)); refreshNodes(); } }
      else if (roll < 24) tolerate(() => fleet.setState(node, fleet.nodeView(node).state === "suspect" ? pick(["alive", "dead"] as const) : "suspect"));
      else if (roll < 30) tolerate(() => fleet.setState(node, fleet.nodeView(node).state === "alive" ? "draining" : "alive"));
      else if (roll < 38) tolerate(() => plans.shrink(node, pick(["cpu", "memory"] as const), 100 * below(40)));
      else if (roll < 44) tolerate(() => fleet.setCapacity(node, { cpu: 500 * (1 + below(8)) }));
      else if (roll < 52) { const label = pick(LABELS), on = random() < 0.5; fleet.setLabel(node, label, on); if (on) model.labels.get(node)!.add(label); else model.labels.get(node)!.delete(label); }
      else if (roll < 60) { hal.advance(500 + below(2000)); kernel.tick(); for (const n of alive()) tolerate(() => plans.health(n, random() < 0.05 ? below(40) : 50 + below(50))); }
      else if (roll < 64) { const r = alive().find((n) => fleet.nodeView(n).tier === "rhizomorph" && plans.promotable(n)); if (r) { plans.promote(r); model.nodes.set(r, "sclerotia"); } }
      else if (roll < 72) { const a = fleet.assignments().filter((x) => x.node !== undefined); if (a.length) tolerate(() => plans.request(pick(a).slot, node, 1, 1 + below(9))); }
      else if (roll < 90) tolerate(() => fleet.place(pick([...model.services.keys()]), 1 + below(3)));
      else { const s = pick([...model.services.keys()]); tolerate(() => fleet.remove(s, 1)); }
      const stuck = converge();
      if (stuck) return fail(stuck);
      const broken = checkFleet(fleet, plans, model, "all");
      if (broken) return fail(broken);
      options.onStep?.(step, sample());
    }
  } catch (error) {
    return fail(error instanceof Error ? `${error.message}\n${error.stack}` : String(error));
  }
  return { seed, ok: true, step: steps, message: `seed=${seed}: ok`, moves, gaveUp, rounds: plans.size().rounds };

  function refreshNodes(): void {
    for (const n of [...model.nodes.keys()]) {
      try { fleet.node(n); } catch { model.nodes.delete(n); model.labels.delete(n); }
    }
  }
  function sample(): UtilisationSample[] {
    return live().map((n) => {
      const cap = fleet.capacity(n), used = fleet.used(n), view = fleet.nodeView(n);
      return { node: n, tier: view.tier, state: view.state, cpu: cap.cpu ? used.cpu / cap.cpu : 0, memory: cap.memory ? used.memory / cap.memory : 0 };
    });
  }
  function fail(message: string): FleetSimResult {
    return { seed, ok: false, step, message: `${message}\nreproduce with seed=${seed} step=${step}`, moves, gaveUp, rounds: plans.size().rounds };
  }
}
