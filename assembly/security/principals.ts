// Principals: who may call the control interface. Each has a name, a role and a capability set
// (roles.ts). The host registers them at start (its credentials name them); a later change of a
// principal's role is itself a command (CMD_ROLES) that authorise.ts checks and audits.
import { OK, E_UNKNOWN_PRINCIPAL, E_CAPACITY_PRINCIPALS, E_INVALID_ROLE, E_DUPLICATE_PRINCIPAL } from "../errors";
import { PRINCIPALS_MAX } from "../limits";
import { WITH_SECURITY } from "../features";
import { fail, Detail } from "../util/detail";
import { NameTable, validateName } from "../registry/names";
import { ROLE_VIEWER, ROLE_CUSTOM, CAP_ALL, roleCapabilities } from "./roles";

class PrincipalTables {
  readonly names: NameTable = new NameTable(PRINCIPALS_MAX, PRINCIPALS_MAX * 2);
  readonly roles: StaticArray<u8> = new StaticArray<u8>(PRINCIPALS_MAX);
  readonly capabilities: StaticArray<u8> = new StaticArray<u8>(PRINCIPALS_MAX);
  registered: i32 = 0;
}

/** Created only with the feature: a profile without it holds none of the table (not even its headers). */
const table: PrincipalTables = WITH_SECURITY ? new PrincipalTables() : changetype<PrincipalTables>(0);

@inline export function isPrincipal(id: i32): bool { return id >= 0 && id < table.registered; }

export function checkPrincipal(id: i32): i32 {
  if (isPrincipal(id)) return OK;
  return fail(E_UNKNOWN_PRINCIPAL).text("principal ").int(id).text(" is not registered (").int(table.registered).text(" are)").code();
}

@inline export function principalRoleOf(id: i32): i32 { return unchecked(table.roles[id]); }
@inline export function principalCapabilitiesOf(id: i32): i32 { return unchecked(table.capabilities[id]); }

/** Appends `'name' (role)` of a principal to an error detail. */
export function sayPrincipal(detail: Detail, id: i32): Detail {
  if (!isPrincipal(id)) return detail.text("an unidentified caller");
  detail.text("principal '").raw(table.names.namePtr(id), table.names.nameLength(id)).text("' (");
  switch (principalRoleOf(id)) {
    case 0: detail.text("viewer"); break;
    case 1: detail.text("operator"); break;
    case 2: detail.text("admin"); break;
    default: detail.text("capabilities ").int(principalCapabilitiesOf(id));
  }
  return detail.text(")");
}

function checkGrant(role: i32, set: i32): i32 {
  if (role >= ROLE_VIEWER && role < ROLE_CUSTOM) return OK;
  if (role == ROLE_CUSTOM && set > 0 && set <= CAP_ALL) return OK;
  return fail(E_INVALID_ROLE).text("role ").int(role).text(" with capabilities ").int(set)
    .text(": expected viewer (0), operator (1), admin (2), or custom (3) with a set in 1..").int(CAP_ALL).code();
}

/** Registers principal `name` with a role (custom: `set`); returns its id. */
export function principalAdd(ptr: usize, len: i32, role: i32, set: i32): i32 {
  const invalid = validateName(ptr, len, "principal name");
  if (invalid < 0) return invalid;
  const badRole = checkGrant(role, set);
  if (badRole < 0) return badRole;
  if (table.registered >= PRINCIPALS_MAX) {
    return fail(E_CAPACITY_PRINCIPALS).text("principal '").raw(ptr, len).text("': the table holds ").int(PRINCIPALS_MAX).code();
  }
  const existing = table.names.insertUnique(table.registered, ptr, len);
  if (existing >= 0) return fail(E_DUPLICATE_PRINCIPAL).text("principal '").raw(ptr, len).text("' is registered already (id ").int(existing).text(")").code();
  const id = table.registered++;
  principalSet(id, role, set);
  return id;
}

/** The id of principal `name`, or E_UNKNOWN_PRINCIPAL. */
export function principalLookup(ptr: usize, len: i32): i32 {
  const id = table.names.find(ptr, len);
  if (id >= 0) return id;
  return fail(E_UNKNOWN_PRINCIPAL).text("no principal is named '").raw(ptr, len).text("'").code();
}

/** Gives a registered principal a role (custom: the set); the caller authorised it. */
export function principalSet(id: i32, role: i32, set: i32): void {
  unchecked(table.roles[id] = <u8>role);
  unchecked(table.capabilities[id] = <u8>(role == ROLE_CUSTOM ? set : roleCapabilities(role)));
}

export { checkGrant };
