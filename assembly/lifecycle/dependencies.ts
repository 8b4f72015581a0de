// Declaring and removing dependencies, with every check a host's input needs. A dependent's
// dependencies change only while it is at rest; cycles are allowed to be declared (a manifest
// may list edges in any order) and are reported, with their path, before anything starts.
import { OK, E_SELF_DEPENDENCY, E_DUPLICATE_DEPENDENCY, E_UNKNOWN_DEPENDENCY, E_INVALID_KIND, E_CAPACITY_EDGES, E_NO_SUCH_DEPENDENCY } from "../errors";
import { EDGES_MAX } from "../limits";
import { serviceNames, sayService, isService } from "../registry/services";
import { validateName } from "../registry/names";
import { edgeFind, edgeInsert, edgeRemove, edgesFree, isDependencyKind, NO_EDGE } from "../graph/edges";
import { checkAtRest } from "./jobs";
import { fail } from "../util/detail";

const KIND_NAMES: StaticArray<string> = ["", "requires", "wants", "after"];
/** The same kinds as verbs in their base form, for "cannot ... itself". */
const KIND_VERBS: StaticArray<string> = ["", "require", "want", "start after"];

/** `from` depends on `to` (both registered; the caller checked `from`). */
export function dependencyAdd(from: i32, to: i32, kind: i32): i32 {
  if (!isDependencyKind(kind)) {
    return sayService(fail(E_INVALID_KIND).text("service "), from).text(": dependency kind ").int(kind)
      .text(" is not requires (1), wants (2) or after (3)").code();
  }
  if (!isService(to)) {
    return sayService(fail(E_UNKNOWN_DEPENDENCY).text("service "), from).text(" ").text(KIND_NAMES[kind])
      .text(" service id ").int(to).text(", which is not registered").code();
  }
  if (from == to) {
    return sayService(fail(E_SELF_DEPENDENCY).text("service "), from).text(" cannot ").text(KIND_VERBS[kind]).text(" itself").code();
  }
  if (edgeFind(from, to) != NO_EDGE) {
    return sayService(sayService(fail(E_DUPLICATE_DEPENDENCY).text("service "), from).text(" already depends on "), to).code();
  }
  const atRest = checkAtRest(from, "changing its dependencies");
  if (atRest < 0) return atRest;
  if (edgesFree() == 0) {
    return sayService(sayService(fail(E_CAPACITY_EDGES).text("service "), from).text(" -> "), to)
      .text(": all ").int(EDGES_MAX).text(" dependency slots are in use").code();
  }
  edgeInsert(from, to, <u8>kind);
  return OK;
}

/** As dependencyAdd, with the dependency named by bytes: an unknown name is reported by name. */
export function dependencyAddByName(from: i32, ptr: usize, len: i32, kind: i32): i32 {
  const invalid = validateName(ptr, len, "dependency name");
  if (invalid < 0) return invalid;
  const to = serviceNames.find(ptr, len);
  if (to < 0) {
    const kindName = isDependencyKind(kind) ? KIND_NAMES[kind] : "depends on";
    return sayService(fail(E_UNKNOWN_DEPENDENCY).text("service "), from).text(" ").text(kindName)
      .text(" '").raw(ptr, len).text("', which is not registered").code();
  }
  return dependencyAdd(from, to, kind);
}

export function dependencyRemove(from: i32, to: i32): i32 {
  const e = isService(to) ? edgeFind(from, to) : NO_EDGE;
  if (e == NO_EDGE) {
    return sayService(fail(E_NO_SUCH_DEPENDENCY).text("service "), from).text(" does not depend on service id ").int(to).code();
  }
  const atRest = checkAtRest(from, "changing its dependencies");
  if (atRest < 0) return atRest;
  edgeRemove(e);
  return OK;
}
