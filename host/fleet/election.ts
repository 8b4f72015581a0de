// Leader election on any Store, etcd's recipe: each candidate creates `<prefix>/<lease>` under
// its lease; the key with the lowest create revision leads; a candidate waits for the deletion
// of the one just before it. Leadership is fenced: the leader's writes compare that its key
// still has its create revision, so once its lease expires (or it resigns) none of them lands.
import { absent, put, type Compare, type Store, type Watch } from "./store.ts";

export interface Leadership {
  key: string;
  createRevision: number;
  /** The compare every fenced write carries. */
  fence: Compare;
}

export interface Candidate {
  /** Resolves once this candidate leads (never, if cancelled first). */
  elected: Promise<Leadership>;
  /** Leaves the election (deletes the key if it leads). */
  resign(): Promise<void>;
}

export function campaign(store: Store, prefix: string, value: string, lease: string): Candidate {
  const key = `${prefix}/${lease}`;
  let watch: Watch | undefined;
  let done = false;
  const elected = (async (): Promise<Leadership> => {
    await store.txn([absent(key)], [put(key, value, lease)]);
    const mine = await store.get(key);
    if (!mine) throw new Error(`election ${prefix}: the candidate key ${key} vanished (its lease ${lease} expired)`);
    for (;;) {
      const { kvs, revision } = await store.range(`${prefix}/`);
      if (!kvs.some((kv) => kv.key === key)) throw new Error(`election ${prefix}: the candidate key ${key} vanished (its lease ${lease} expired)`);
      const before = kvs.filter((kv) => kv.createRevision < mine.createRevision).sort((a, b) => b.createRevision - a.createRevision)[0];
      if (!before) return { key, createRevision: mine.createRevision, fence: { key, target: "create", op: "==", value: mine.createRevision } };
      // Wait for the one just ahead to go (a deletion at a revision after the range).
      await new Promise<void>((resolve, reject) => {
        store.watch(before.key, revision + 1, (events) => {
          if (events.some((e) => e.type === "delete" && e.key === before.key)) resolve();
        }, reject).then((w) => { watch = w; if (done) void w.cancel(); }, reject);
      });
      await watch?.cancel();
      watch = undefined;
      if (done) return new Promise<Leadership>(() => {});
    }
  })();
  return {
    elected,
    resign: async () => {
      done = true;
      await watch?.cancel();
      await store.txn([{ key, target: "create", op: ">", value: 0 }], [{ type: "delete", key }]).catch(() => undefined);
    },
  };
}

/** The current leader's value, or undefined. */
export async function leader(store: Store, prefix: string): Promise<{ key: string; value: string } | undefined> {
  const { kvs } = await store.range(`${prefix}/`);
  const first = kvs.sort((a, b) => a.createRevision - b.createRevision)[0];
  return first && { key: first.key, value: first.value };
}
