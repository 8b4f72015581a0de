// Writing desired specs: publishing a manifest's services (one transaction), and changing one
// service's spec without losing a concurrent change (read, change, write if its revision did
// not move, else read again): what `myco fleet apply` and `myco fleet scale` do.
import { put, type Store } from "./store.ts";
import { decodeService, type Keys, type ServiceRecord } from "./keys.ts";

export async function publishServices(store: Store, keys: Keys, records: ServiceRecord[]): Promise<number> {
  const { revision } = await store.txn([], records.map((r) => put(keys.service(r.name), JSON.stringify(r))));
  return revision;
}

/** Applies `change` to the service's spec by compare-and-swap; returns the revision it landed at and the tries it took. */
export async function updateService(store: Store, keys: Keys, name: string, change: (record: ServiceRecord) => ServiceRecord): Promise<{ revision: number; tries: number }> {
  const key = keys.service(name);
  for (let tries = 1; ; tries++) {
    const kv = await store.get(key);
    if (!kv) throw new Error(`service '${name}' is not in the fleet (no ${key})`);
    const next = change(decodeService(key, kv.value));
    const { succeeded, revision } = await store.txn([{ key, target: "mod", op: "==", value: kv.modRevision }], [put(key, JSON.stringify(next))]);
    if (succeeded) return { revision, tries };
  }
}
