// Cycle paths for the error detail. After ordering, every service left with unmet dependencies
// has at least one unmet dependency that is itself left over; walking such dependencies must
// revisit a service, and the walk from that revisit is a cycle. One walk per unvisited leftover
// finds every cycle, also in disconnected parts of the graph, in O(services + edges).
import { SERVICES_MAX } from "../limits";
import { serviceUsed, serviceNames } from "../registry/services";
import { firstDependency, edgeNextOut, edgeTo, NO_EDGE } from "./edges";
import { Detail } from "../util/detail";
import { fillAll } from "../util/fill";
import { WITH_SENTENCES } from "../features";

const walkOf = new StaticArray<i32>(SERVICES_MAX);
const positionInWalk = new StaticArray<i32>(SERVICES_MAX);
const path = new StaticArray<u16>(SERVICES_MAX);

function firstUnmetDependency(id: i32, pending: StaticArray<i32>): i32 {
  for (let e = firstDependency[id]; e != NO_EDGE; e = edgeNextOut[e]) {
    const dependency = <i32>edgeTo[e];
    if (pending[dependency] > 0) return dependency;
  }
  return -1;
}

function sayName(detail: Detail, id: i32): void {
  if (!WITH_SENTENCES) return; // without sentences (tiny) the name is not read: its loads would stay in every error path
  detail.raw(serviceNames.namePtr(id), serviceNames.nameLength(id));
}

/** Writes "dependency cycle: a -> b -> a; c -> d -> c" to `detail`; returns the cycle count. */
export function reportCycles(detail: Detail, pending: StaticArray<i32>): i32 {
  if (!WITH_SENTENCES) return 0; // without sentences (tiny) the walks would find names for no sentence
  fillAll(walkOf, 0);
  detail.text("dependency cycle: ");
  let cycles = 0;
  let walk = 0;
  for (let start = 0; start < SERVICES_MAX; start++) {
    if (!serviceUsed[start] || pending[start] <= 0 || walkOf[start] != 0) continue;
    walk++;
    let length = 0;
    let at = start;
    while (walkOf[at] == 0) {
      walkOf[at] = walk;
      positionInWalk[at] = length;
      path[length++] = <u16>at;
      at = firstUnmetDependency(at, pending);
      assert(at >= 0, "a leftover service has no leftover dependency");
    }
    if (walkOf[at] != walk) continue; // ran into a cycle an earlier walk reported
    if (cycles++ > 0) detail.text("; ");
    for (let i = positionInWalk[at]; i < length; i++) {
      sayName(detail, path[i]);
      detail.text(" -> ");
    }
    sayName(detail, at);
  }
  return cycles;
}
