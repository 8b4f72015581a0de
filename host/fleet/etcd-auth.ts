// Per-node permissions in etcd (its RBAC): with auth enabled and client certificates required,
// etcd takes the user name from the certificate's CN, so each party is a user with one role:
//   agent <node>        read/write only its own keys: nodes/<node>, load/<node>, status/<node>/...;
//                       read its assignments (assign/<node>/...) and the services' specs
//   coordinator <id>    read the whole cluster; write assignments, routes, services (a rollout),
//                       audit, the operators' requests (done and deleted), the election and its moves (status)
//   operator            etcd's root role (fleet up publishes, drains, moves, reads everything)
// An agent that writes another node's key is refused by etcd ("permission denied"), whatever
// program holds its certificate. Set up with the operator's connection before auth is enabled.
import { randomBytes } from "node:crypto";
import type { IPermissionRequest } from "etcd3";
import { etcd3 } from "./etcd-store.ts";
import type { EtcdStore } from "./etcd-store.ts";
import type { Keys, Kind } from "./keys.ts";

type Party = "agent" | "coordinator";

/** Reads of the whole cluster; the kinds a coordinator writes. */
const COORDINATOR_WRITES: Kind[] = ["assign", "routes", "services", "audit", "requests", "election", "moves"];

/** The etcd role of a party (one per agent node: its keys are its own). */
export const roleName = (keys: Keys, party: Party, name: string): string => `myco-${keys.cluster}-${party}-${name}`;

/** What `party` `name` may do in the cluster of `keys`. */
export function permissions(keys: Keys, party: Party, name: string): IPermissionRequest[] {
  if (party === "coordinator") {
    return [
      { permission: "Read", range: etcd3().Range.prefix(keys.root) },
      ...COORDINATOR_WRITES.map((kind): IPermissionRequest => ({ permission: "Readwrite", range: etcd3().Range.prefix(keys.prefix(kind)) })),
    ];
  }
  return [
    { permission: "Readwrite", key: keys.node(name) },
    { permission: "Readwrite", key: keys.load(name) },
    { permission: "Readwrite", range: etcd3().Range.prefix(keys.status(name)) },
    { permission: "Read", range: etcd3().Range.prefix(keys.assign(name)) },
    { permission: "Read", range: etcd3().Range.prefix(keys.prefix("services")) },
  ];
}

/** etcd's root user and the operator (both root), then auth on: from now on every request is checked against its CN's user. */
export async function enableAuth(admin: EtcdStore, operator: string): Promise<void> {
  const { client } = admin;
  for (const name of new Set(["root", operator])) {
    await client.user(name).create(randomBytes(24).toString("base64url"));
    await client.user(name).addRole("root");
  }
  await client.auth.authEnable();
}

/** The user `name` (the CN of its certificate) with the role of a `party` in the cluster of `keys`. */
export async function addParty(admin: EtcdStore, keys: Keys, party: Party, name: string): Promise<void> {
  const { client } = admin;
  const role = client.role(roleName(keys, party, name));
  const existing = await client.getUsers().then((users) => users.some((u) => u.name === name));
  if (!existing) await client.user(name).create(randomBytes(24).toString("base64url"));
  else {
    // One CN, one party: a node named like the operator, or like a coordinator, would gain its rights.
    const other = (await client.user(name).roles()).map((r) => r.name).find((r) => r !== role.name);
    if (other) throw new Error(`${party} '${name}': etcd user '${name}' already has role '${other}' (another party has that certificate name); give it another name`);
  }
  if (!(await client.getRoles()).some((r) => r.name === role.name)) {
    await role.create();
    await role.grant(permissions(keys, party, name));
  }
  await client.user(name).addRole(role);
}
