// One sampling walk for every node choice of the layer: a placement (place.ts select) and a
// backup (backups.ts) use the same rule. Filter, then score a bounded sample: the walk over the
// registered nodes starts at a HAL-random position and stops once sampleSize() feasible nodes
// were scored; every node it returns passed the caller's feasibility test (every hard rule),
// and -1 comes only after every node was checked, so sampling never loses a hard rule.
import { fleet } from "./tables";
import { randomBelow } from "../balance/random";

/** Every feasible node is scored in a fleet this small. */
export const SAMPLE_ALL_BELOW: i32 = 32;

/**
 * How many feasible nodes one choice scores in a fleet of `nodes`: all of them up to
 * SAMPLE_ALL_BELOW; beyond, Nomad's limit (its stack scores ceil(log2 n) feasible nodes, at
 * least 2) doubled, and at least SAMPLE_ALL_BELOW: 32 at 5,000 nodes, 32 at 10,000. Kubernetes'
 * percentageOfNodesToScore stops its walk the same way, once enough feasible nodes were found.
 * So a choice's cost stays flat as the fleet grows.
 */
export function sampleSize(nodes: i32): i32 {
  if (nodes <= SAMPLE_ALL_BELOW) return nodes;
  return max(SAMPLE_ALL_BELOW, 2 * (32 - <i32>clz(nodes - 1)));
}

/**
 * The best feasible node for the service, or -1 after every node was checked. `hint` (-1: none)
 * is scored too when it is feasible (the node the service's last instance went to: binpack keeps
 * filling it). Ties go to the lowest node id: the same inputs always give the same node.
 */
export function sampleBest(service: i32, feasible: (service: i32, node: i32) => bool, score: (service: i32, node: i32) => i64, hint: i32): i32 {
  const n = fleet.nodeCount;
  const want = sampleSize(n);
  const start = want < n ? randomBelow(n) : 0;
  let best = -1;
  let bestScore: i64 = 0;
  let found = 0;
  if (want < n && hint >= 0 && unchecked(fleet.nodeState[hint]) != 0 && feasible(service, hint)) {
    best = hint;
    bestScore = score(service, hint);
  }
  for (let k = 0, position = start; k < n && found < want; k++, position++) {
    if (position == n) position = 0;
    const node = <i32>unchecked(fleet.nodeOrder[position]);
    if (!feasible(service, node)) continue;
    found++;
    const s = score(service, node);
    if (best < 0 || s > bestScore || (s == bestScore && node < best)) { best = node; bestScore = s; }
  }
  return best;
}
