// Named specialised units of the node (`radio`, `gpio-bank-a`): interned by name (the manifest
// names them; the host declares how many the node has and whether one is exclusive). A unit
// named before the node declares it has capacity 0, so a start that needs it waits or is refused.
import { OK, E_CAPACITY_UNITS, E_INVALID_RESOURCE, E_INVALID_ARGUMENT } from "../errors";
import { RESOURCE_UNITS_MAX } from "../limits";
import { fail } from "../util/detail";
import { validateName } from "../registry/names";
import { node } from "./tables";
import { admitQueued } from "./admission";

/** The unit's id, interned when new (capacity 0); an error when the name is bad or the table full. */
export function unitIntern(ptr: usize, len: i32): i32 {
  const known = node.unitNames.find(ptr, len);
  if (known >= 0) return known;
  const bad = validateName(ptr, len, "unit");
  if (bad < 0) return bad;
  if (node.unitCount >= RESOURCE_UNITS_MAX) {
    return fail(E_CAPACITY_UNITS).text("unit '").raw(ptr, len).text("': the node's ").int(RESOURCE_UNITS_MAX).text(" units are taken").code();
  }
  const id = node.unitCount++;
  node.unitNames.insertUnique(id, ptr, len);
  return id;
}

/** Declares how many of the unit the node has (an exclusive unit has one holder: capacity 1). */
export function unitDeclare(ptr: usize, len: i32, capacity: i32, exclusive: bool): i32 {
  if (capacity < 0 || capacity > 0xFFFF || (exclusive && capacity > 1)) {
    return fail(E_INVALID_ARGUMENT).text("unit '").raw(ptr, len).text("': capacity ").int(capacity)
      .text(exclusive ? " is not 0 or 1 (exclusive)" : " is outside 0..65535").code();
  }
  const id = unitIntern(ptr, len);
  if (id < 0) return id;
  node.unitCapacity[id] = <u16>capacity;
  node.unitExclusive[id] = exclusive;
  admitQueued();
  return id;
}

export function checkUnit(unit: i32): i32 {
  if (unit >= 0 && unit < node.unitCount) return OK;
  return fail(E_INVALID_RESOURCE).text("unit ").int(unit).text(" is not declared (0..").int(node.unitCount - 1).text(")").code();
}

/** Unit field: 0 capacity, 1 held, 2 exclusive (0/1), 3 the holding service of an exclusive unit (-1 none). */
export function unitField(unit: i32, which: i32): i32 {
  const unknown = checkUnit(unit);
  if (unknown < 0) return unknown;
  switch (which) {
    case 0: return node.unitCapacity[unit];
    case 1: return node.unitHeld[unit];
    case 2: return node.unitExclusive[unit] ? 1 : 0;
    case 3: return node.unitHolder[unit];
    default: return fail(E_INVALID_ARGUMENT).text("unit field ").int(which).text(" is outside 0..3").code();
  }
}
