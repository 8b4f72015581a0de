// From the kernel's counts (service -> node -> instances) to store operations against what is
// assigned now: an instance keeps its name when it moves (delete on the old node, put on the
// new), new ones get fresh names (`service-N`), surplus ones are deleted. Deletions come first,
// so a moved instance is never assigned twice at once; a singleton's put also waits until its
// old copy's status is gone (its node stopped it, or its lease expired).
import type { Counts } from "./placement-adapter.ts";

export interface Assigned { node: string; service: string; instance: string }

export interface Diff {
  deletes: Assigned[];
  puts: Assigned[];
  /** Puts held back: a singleton whose old copy still reports a status. */
  held: Assigned[];
}

export function diffAssignments(desired: Counts, current: Iterable<Assigned>, services: Iterable<string>, singletonRunning: (service: string, except: string) => boolean): Diff {
  const byService = new Map<string, Assigned[]>();
  for (const a of current) (byService.get(a.service) ?? byService.set(a.service, []).get(a.service)!).push(a);
  const diff: Diff = { deletes: [], puts: [], held: [] };
  const names = new Set([...services, ...byService.keys(), ...desired.keys()]);
  for (const service of [...names].sort()) {
    const have = (byService.get(service) ?? []).sort((a, b) => ordinal(a.instance) - ordinal(b.instance));
    const want = desired.get(service) ?? new Map<string, number>();
    const onNode = new Map<string, Assigned[]>();
    for (const a of have) (onNode.get(a.node) ?? onNode.set(a.node, []).get(a.node)!).push(a);
    const freed: Assigned[] = [];
    for (const [node, list] of onNode) {
      const keep = want.get(node) ?? 0;
      freed.push(...list.slice(keep));
    }
    let next = have.reduce((m, a) => Math.max(m, ordinal(a.instance) + 1), 0);
    const reuse = [...freed].sort((a, b) => ordinal(a.instance) - ordinal(b.instance));
    for (const [node, count] of [...want].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const missing = count - (onNode.get(node)?.length ?? 0);
      for (let i = 0; i < missing; i++) {
        const old = reuse.shift();
        const instance = old?.instance ?? `${service}-${next++}`;
        const put = { node, service, instance };
        if (singletonRunning(service, node)) diff.held.push(put);
        else diff.puts.push(put);
      }
    }
    diff.deletes.push(...freed);
  }
  return diff;
}

function ordinal(instance: string): number {
  const n = Number(instance.slice(instance.lastIndexOf("-") + 1));
  return Number.isInteger(n) ? n : 0;
}
