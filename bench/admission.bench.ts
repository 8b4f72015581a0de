// Admission decision cost at 4,096 services (the bench profile): half of them hold the node's
// memory, the rest wait in the queue. Measured through the ABI, as a host calls it:
//   refusal    an operator's start that does not fit, refused with the resource named
//   queued     a start that does not fit joins the queue behind 2,046 others, then is stopped
//              and leaves it (enqueue and removal of a cancelled entry)
//   release    a reservation released, so the queue is re-decided (its head tested against what
//              is free)
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
  const drain = () => { while (x.actionsDrain() > 0) { /* the spawns are not performed: admission is what is measured */ } };
  for (let i = 0; i < SERVICES - 2; i++) kernel.check(x.serviceStart(ids[i]));
  drain();
  const queued = half - 2;
  if (res.queued() !== queued) throw new Error(`expected ${queued} queued starts, got ${res.queued()}`);
  const last = ids[SERVICES - 1];
  const probe = ids[SERVICES - 2];
  const queueAndLeave = () => {
    for (let r = 0; r < ROUNDS; r++) {
      kernel.check(x.serviceStart(probe));
      kernel.check(x.serviceStop(probe));
      drain();
    }
    if (res.queued() !== queued) throw new Error(`the probe did not leave the queue: ${res.queued()} queued`);
  };
  const refuse = () => { for (let r = 0; r < ROUNDS; r++) if (x.serviceStart(last) >= 0) throw new Error("a start past capacity was admitted"); };
  const cycle = () => {
    for (let r = 0; r < ROUNDS; r++) kernel.check(x.resourceRelease(kernel.check(x.resourceReserve(ids[0], 1, 60_000))));
  };
  const refusalNs = (measureOnce(refuse, 7) * 1e6) / ROUNDS;
  const cycleNs = (measureOnce(cycle, 7) * 1e6) / ROUNDS;
  const queuedNs = (measureOnce(queueAndLeave, 7) * 1e6) / ROUNDS;
  return [
    { name: `admission: refuse a start that does not fit (${SERVICES} services, ${queued} queued)`, unit: "ns", value: refusalNs, peer: null, peerValue: null, ratio: null },
    { name: `admission: a start queued behind ${queued} others, then stopped (${SERVICES} services)`, unit: "ns", value: queuedNs, peer: null, peerValue: null, ratio: null },
    { name: `admission: reserve + release, the queue re-decided (${SERVICES} services)`, unit: "ns", value: cycleNs, peer: null, peerValue: null, ratio: null },
  ];
}
