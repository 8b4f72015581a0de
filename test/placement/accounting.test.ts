// Exact accounting (issue 13): after 1,000,000 random place / remove / move / reserve / commit /
// release operations, every node's used vector equals the sum of its instances' requests,
// recomputed independently here from the assignment table, and no node is over its capacity.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet, splitmix32, RESOURCES } from "../../host/index.ts";

const NODES = 12;
const SERVICES = 8;
const OPERATIONS = 1_000_000;

describe("exact capacity accounting", () => {
  it(`holds after ${OPERATIONS.toLocaleString("en")} random operations, recomputed independently`, () => {
    const kernel = new Kernel({ hal: new VirtualHal(7), profile: "release" });
    const x = kernel.exports;
    const fleet = new Fleet(kernel);
    const random = splitmix32(13);
    const pick = (n: number) => random() % n;
    const requests: number[][] = [];
    for (let s = 0; s < SERVICES; s++) {
      kernel.register(`svc${s}`);
      const request = RESOURCES.map((_, r) => (r < 3 ? 1 + pick(300) : 0));
      requests.push(request);
      fleet.spec(`svc${s}`, { class: s % 2 ? "client" : "user", request: Object.fromEntries(RESOURCES.map((name, r) => [name, request[r]])) });
    }
    for (let n = 0; n < NODES; n++) fleet.addNode(`n${n}`, { tier: n % 3 === 2 ? "hyphae" : n % 3 ? "rhizomorph" : "sclerotia", capacity: { cpu: 2000, memory: 2000, storage: 2000 } });
    const slots = x.placementSlots();
    const ids = Array.from({ length: SERVICES }, (_, s) => kernel.id(`svc${s}`));
    const pending: number[] = [];

    const verify = (where: string) => {
      const used = Array.from({ length: NODES }, () => new Array(RESOURCES.length).fill(0));
      for (let slot = 0; slot < slots; slot++) {
        const service = x.placementSlotService(slot);
        if (service < 0) continue;
        const node = x.placementSlotNode(slot);
        if (node === 0xffff) continue;
        const s = ids.indexOf(service);
        for (let r = 0; r < RESOURCES.length; r++) used[node][r] += requests[s][r];
      }
      for (let node = 0; node < NODES; node++) {
        for (let r = 0; r < RESOURCES.length; r++) {
          expect(Number(x.nodeResource(node, r, 1)), `${where}: node ${node} ${RESOURCES[r]}`).toBe(used[node][r]);
          expect(used[node][r], `${where}: node ${node} ${RESOURCES[r]} over capacity`).toBeLessThanOrEqual(Number(x.nodeResource(node, r, 0)));
        }
      }
    };

    let refused = 0;
    for (let op = 0; op < OPERATIONS; op++) {
      const service = ids[pick(SERVICES)];
      const kind = pick(10);
      let status = 0;
      if (kind < 3) status = x.placementPlace(service, 1 + pick(3));
      else if (kind < 5) { const have = x.placementCount(service, -1) + 0; status = x.placementRemove(service, 1 + pick(Math.max(1, have))); }
      else if (kind < 8) status = x.placementMove(pick(slots), pick(NODES));
      else if (kind === 8) { status = x.placementReserve(service, 1 + pick(2), 1000n); if (status >= 0) pending.push(status); }
      else if (pending.length) { const id = pending.splice(pick(pending.length), 1)[0]; status = pick(2) ? x.placementCommit(id) : x.placementRelease(id); }
      if (status < 0) refused++;
      if (op % 100_000 === 99_999) verify(`after operation ${op + 1}`);
    }
    verify("at the end");
    expect(refused).toBeGreaterThan(0); // the workload reaches the refusals, not only the easy path
    expect(refused).toBeLessThan(OPERATIONS);
  }, 600_000);
});
