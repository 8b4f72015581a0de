// Health-gated dependencies (compose `depends_on: {db: {condition: service_healthy}}`): the
// edge's condition (graph/edges.ts edgeCondition) says when the dependency counts as up for
// the dependent's start: 0 once it runs, 1 once it is also healthy. Only the start waits; a
// dependency that turns unhealthy later does not stop its dependents (its recovery might).
// The lifecycle reads the gate from its own column (lifecycle/inputs.ts serviceHealthy), which
// health/state.ts writes with every service health change.
import { OK, E_INVALID_CONDITION, E_NO_SUCH_DEPENDENCY } from "../errors";
import { edgeFind, edgeCondition, NO_EDGE } from "../graph/edges";
import { isService } from "../registry/services";
import { checkAtRest } from "../lifecycle/jobs";
import { reject } from "../registry/reject";

export const CONDITION_STARTED: u8 = 0;
export const CONDITION_HEALTHY: u8 = 1;

export function dependencySetCondition(from: i32, to: i32, condition: i32): i32 {
  const e = isService(to) ? edgeFind(from, to) : NO_EDGE;
  if (e == NO_EDGE) return reject(E_NO_SUCH_DEPENDENCY, from, "dependency on service id", to, "is not declared");
  if (condition < 0 || condition > <i32>CONDITION_HEALTHY) {
    return reject(E_INVALID_CONDITION, from, "dependency condition", condition, "is not 0..1");
  }
  const atRest = checkAtRest(from, "changing its dependencies");
  if (atRest < 0) return atRest;
  edgeCondition[e] = <u8>condition;
  return OK;
}
