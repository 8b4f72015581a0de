// The eligibility invariant: across a seeded random run of membership, health, breaker,
// ejection and lifecycle changes, a pick never lands on an ineligible instance (except under
// the panic rule, and then only on a member), checked after every step, for every strategy.
// "No eligible instance" is an error code, never a trap. A failure prints its seed and step.
import { describe, it, expect } from "vitest";
import { splitmix32, MycoError, STRATEGIES, type InstanceBalanceStats } from "../../host/index.ts";
import { runningPool, bringUp, BREAKER, type Pool } from "./support.ts";

const STEPS = 3000;

interface Oracle { member: boolean; available: boolean; surely: boolean }

/** What the host knows about an instance, judged independently of the kernel's pool. */
function judge(pool: Pool, handle: number): Oracle {
  const s: InstanceBalanceStats = pool.balancer.instanceStats(handle);
  const running = pool.kernel.instanceState(handle) === "running";
  const member = running && s.enabled && !s.draining;
  const available = member && s.health !== "unhealthy" && !s.ejected && s.isolations === 0 && s.breaker !== "open";
  // half-open admits only its permits, which the host does not count: available, not surely
  return { member, available, surely: available && s.breaker === "closed" };
}

function run(strategy: (typeof STRATEGIES)[number], seed: number): void {
  const random = splitmix32(seed);
  const below = (n: number): number => random() % n;
  const panicPercent = below(2) === 0 ? 0 : 50;
  const pool = runningPool(8, { seed, strategy, panicPercent });
  const { balancer, kernel, hal, id } = pool;
  balancer.configureBreaker(id, { ...BREAKER, consecutiveFailures: 3, halfOpenPermits: 2 });
  balancer.configureOutlier(id, { consecutiveFailures: 4, baseEjectionMs: 300, maxEjectionMs: 1000, maxEjectedPercent: 40 });
  const inFlight: number[] = [];
  let picks = 0, refusals = 0;

  for (let step = 0; step < STEPS; step++) {
    const where = `strategy ${strategy}, seed ${seed}, step ${step}`;
    const handles = kernel.instances(id);
    const h = handles[below(handles.length)];
    const op = below(100);
    if (op < 50) {
      const oracle = new Map(handles.map((x) => [x, judge(pool, x)]));
      const panic = balancer.serviceStats(id).panic;
      try {
        const picked = op < 40 ? balancer.pick(id) : balancer.pickKey(id, random());
        picks++;
        const verdict = oracle.get(picked);
        expect(verdict, where).toBeDefined();
        if (panic) expect(verdict!.member, `${where}: panic picks only members`).toBe(true);
        else expect(verdict!.available, `${where}: picked an ineligible instance`).toBe(true);
        inFlight.push(picked);
      } catch (error) {
        expect(error, where).toBeInstanceOf(MycoError);
        expect((error as MycoError).codeName, where).toBe("E_NO_ELIGIBLE_INSTANCE");
        const verdicts = [...oracle.values()];
        expect(verdicts.some((o) => o.surely), `${where}: refused while one was eligible`).toBe(false);
        if (panicPercent > 0) expect(verdicts.some((o) => o.member), `${where}: refused while panic could pick`).toBe(false);
        refusals++;
      }
    } else if (op < 70 && inFlight.length > 0) {
      const handle = inFlight.splice(below(inFlight.length), 1)[0];
      try {
        balancer.finished(handle, below(200), below(3) === 0 ? "failure" : "success");
      } catch (error) {
        expect((error as MycoError).codeName, where).toBe("E_STALE_INSTANCE"); // its run ended meanwhile
      }
    } else if (op < 76) balancer.setHealth(h, (["unknown", "healthy", "degraded", "unhealthy"] as const)[below(4)]);
    else if (op < 80) balancer.setDraining(h, below(2) === 0);
    else if (op < 84) balancer.setEnabled(h, below(3) !== 0);
    else if (op < 86) balancer.setWeight(h, 1 + below(9));
    else if (op < 88) balancer.isolate(h);
    else if (op < 90) { if (balancer.instanceStats(h).isolations > 0) balancer.release(h); }
    else if (op < 91) balancer.resetBreaker(h);
    else if (op < 96) hal.advance(below(400));
    else if (op < 98) {
      // the instance crashes; the service goes down with it and is started again
      if (kernel.instanceState(h) === "running") kernel.instanceExited(h, 1);
      try { kernel.stop(id); } catch { /* already stopping */ }
      for (const action of kernel.drainActions()) {
        if (action.kind === "stop" || action.kind === "kill") kernel.instanceExited(action.instance, 0);
      }
      try { kernel.start(id); } catch { /* not startable right now */ }
      bringUp(kernel);
    } else kernel.tick();
  }
  expect(picks, `strategy ${strategy}, seed ${seed}`).toBeGreaterThan(STEPS / 4);
  expect(refusals).toBeLessThan(picks);
}

describe("picks never land on an ineligible instance", () => {
  it.each(STRATEGIES.map((s, i) => [s, 100 + i] as const))("%s (seed %i)", (strategy, seed) => run(strategy, seed));
  it.each([1, 2, 3, 4, 5].map((s) => [STRATEGIES[s % STRATEGIES.length], 500 + s] as const))(
    "%s (seed %i)", (strategy, seed) => run(strategy, seed),
  );
});
