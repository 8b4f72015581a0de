// The circuit breaker per call, against `opossum` and `cockatiel` as their users call them: an
// asynchronous no-op action through `fire()` / `execute()` (a promise and a microtask per call,
// whatever the action). Myco is called through its typed one-call API (host/kernel/balance.ts):
// `pass()` reports the call that finished and asks the permit for the next in one kernel call;
// `acquire()` + `report()` is the two-call form. Every breaker here counts the same outcomes:
//
//   Myco       window of the last 20 calls, judged from 10, opens at 50 % failures or 5 in a
//              row; the outcome also feeds the instance's statistics and outlier detection;
//              the latency is the caller's (a constant here: the host measures it anyway)
//   opossum    its defaults: a 10 s timeout timer per call, rolling statistics over 10 s in 10
//              buckets, opens at 50 % errors, resets after 30 s (and once with `timeout: false`,
//              its cheapest setting: no timer per call)
//   cockatiel  `circuitBreaker(handleAll, { halfOpenAfter: 10 s, breaker: ConsecutiveBreaker(5) })`
//              through `execute()`; and its synchronous core alone, a CountBreaker's `success()`
//              with no policy around it (cockatiel offers no synchronous execute)
import CircuitBreaker from "opossum";
import { circuitBreaker, handleAll, ConsecutiveBreaker, CountBreaker, CircuitState } from "cockatiel";
import { Kernel, RealHal, Balancer } from "../host/index.ts";
import { measure, lowerIsBetter, type BenchRow } from "./harness.ts";

async function measureAsync(fn: () => Promise<unknown>, calls = 20_000): Promise<number> {
  for (let i = 0; i < calls; i++) await fn();
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - start) / calls);
  }
  return samples.sort((a, b) => a - b)[2];
}

function instance(): { balancer: Balancer; handle: number } {
  const kernel = new Kernel({ hal: new RealHal(), profile: "bench" });
  const balancer = new Balancer(kernel);
  const id = kernel.register("api", { instances: 1 });
  kernel.start(id);
  for (const action of kernel.drainActions()) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  balancer.configureBreaker(id, { windowSize: 20, minCalls: 10, failureRatePercent: 50, consecutiveFailures: 5 });
  return { balancer, handle: kernel.instances(id)[0] };
}

export async function run(): Promise<BenchRow[]> {
  const { balancer, handle } = instance();
  const action = async () => undefined;
  const opossum = new CircuitBreaker(action);
  const opossumNoTimer = new CircuitBreaker(action, { timeout: false });
  const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const countBreaker = new CountBreaker({ threshold: 0.5, size: 20, minimumNumberOfCalls: 10 });
  const noop = () => undefined;
  balancer.acquire(handle); // pass() reports the call the permit before it admitted
  const samples: number[][] = [[], [], [], [], [], [], []];
  for (let round = 0; round < 3; round++) { // in alternation, so all see the same load
    samples[0].push(measure(() => { balancer.pass(handle, 1, 1); }));
    samples[1].push(measure(() => { if (balancer.acquire(handle)) balancer.report(handle, 1, 1); }));
    samples[2].push(await measureAsync(() => opossum.fire()));
    samples[3].push(await measureAsync(() => opossumNoTimer.fire()));
    samples[4].push(await measureAsync(() => cockatiel.execute(noop)));
    samples[5].push(measure(() => { countBreaker.success(CircuitState.Closed); }));
  }
  opossum.shutdown();
  opossumNoTimer.shutdown();
  const [pass, twoCalls, opossumDefault, opossumCheapest, cockatielAsync, cockatielSync] = samples.map((xs) => xs.sort((a, b) => a - b)[1]);
  const one = "breaker per call, Myco typed one-call API (pass: report + next permit)";
  const two = "breaker per call, Myco typed API (acquire + report)";
  return [
    lowerIsBetter(one, "ns/op", pass, "opossum fire() of an async no-op, defaults", opossumDefault),
    lowerIsBetter(one, "ns/op", pass, "opossum fire() of an async no-op, timeout: false", opossumCheapest),
    lowerIsBetter(one, "ns/op", pass, "cockatiel execute() of a no-op", cockatielAsync),
    lowerIsBetter(one, "ns/op", pass, "cockatiel CountBreaker success() (synchronous core)", cockatielSync),
    lowerIsBetter(two, "ns/op", twoCalls, "opossum fire() of an async no-op, defaults", opossumDefault),
    lowerIsBetter(two, "ns/op", twoCalls, "cockatiel execute() of a no-op", cockatielAsync),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
