// Admission decision cost at 4,096 services (the bench profile): half of them hold the node's
// memory, the rest wait in the queue. Measured through the ABI, as a host calls it:
//   refusal    an operator's start that does not fit, refused with the resource named
//   release    a reservation released, so the whole queue is re-decided (its head found among
//              4,096 services and tested against what is free)
// No npm package makes this decision for a Node user (pm2 and systemd have no admission), so
// there is no peer column.
import { Kernel, VirtualHal, NodeResources } from "../host/index.ts";
import { measureOnce, type BenchRow } from "./harness.ts";

const SERVICES = 4096;
const ROUNDS = 2000;

export async function run(): Promise<BenchRow[]> {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "bench" });
  if (kernel.limits.services < SERVICES) return [];
  const x = kernel.exports;
  const res = new NodeResources(kernel);
  const half = SERVICES / 2;
  res.setCapacity({ memory: half + 1 });
  const ids: number[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const id = kernel.check(x.serviceRegister(kernel.put(`svc-${i}`), i % 2, 1));
    ids.push(id);
    res.configure(id, { requests: { memory: i < half ? 1 : 2 }, admission: i < SERVICES - 1 ? "queue" : "refuse", priority: i % 7 });
  }
  for (let i = 0; i < SERVICES - 1; i++) kernel.check(x.serviceStart(ids[i]));
  while (x.actionsDrain() > 0) { /* the spawns are not performed: admission is what is measured */ }
  if (res.queued() !== half - 1) throw new Error(`expected ${half - 1} queued starts, got ${res.queued()}`);
  const last = ids[SERVICES - 1];
  const refuse = () => { for (let r = 0; r < ROUNDS; r++) if (x.serviceStart(last) >= 0) throw new Error("a start past capacity was admitted"); };
  const cycle = () => {
    for (let r = 0; r < ROUNDS; r++) kernel.check(x.resourceRelease(kernel.check(x.resourceReserve(ids[0], 1, 60_000))));
  };
  const refusalNs = (measureOnce(refuse, 7) * 1e6) / ROUNDS;
  const cycleNs = (measureOnce(cycle, 7) * 1e6) / ROUNDS;
  return [
    { name: `admission: refuse a start that does not fit (${SERVICES} services, ${half - 1} queued)`, unit: "ns", value: refusalNs, peer: null, peerValue: null, ratio: null },
    { name: `admission: reserve + release, the queue re-decided (${SERVICES} services)`, unit: "ns", value: cycleNs, peer: null, peerValue: null, ratio: null },
  ];
}
