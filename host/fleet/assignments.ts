// From the kernel's counts (service -> node -> instances) to store operations against what is
// assigned now: an instance keeps its name when it moves (put on the new node, delete on the
// old), new ones get fresh names (`service-N`), surplus ones are deleted. A singleton moves
// break-before-make: its put waits until its old copy's status is gone (its node stopped it,
// or its lease expired). A draining node's instances move rolling, make-before-break: a batch
// of replacements at a time, each old copy deleted once its replacement reports running.
import type { Counts } from "./placement-adapter.ts";

export interface Assigned { node: string; service: string; instance: string }

export interface Diff {
  deletes: Assigned[];
  puts: Assigned[];
  /** Puts held back: a singleton whose old copy still reports a status, or a drain's next batch. */
  held: Assigned[];
}

export interface DiffContext {
  /** A critical one-instance service. */
  singleton(service: string): boolean;
  /** Some copy of the service reports a status on a node other than this one. */
  singletonRunning(service: string, except: string): boolean;
  /** Nodes being drained: their instances move make-before-break, `rollingBatch` at a time. */
  draining: Set<string>;
  /** The instance reports running on that node. */
  running(node: string, instance: string): boolean;
  rollingBatch: number;
}

export function diffAssignments(desired: Counts, current: Iterable<Assigned>, services: Iterable<string>, context: DiffContext): Diff {
  const byService = new Map<string, Assigned[]>();
  for (const a of current) (byService.get(a.service) ?? byService.set(a.service, []).get(a.service)!).push(a);
  const diff: Diff = { deletes: [], puts: [], held: [] };
  const plans: { service: string; want: Map<string, number>; onNode: Map<string, Assigned[]>; reusable: Assigned[]; next: number }[] = [];
  let inFlight = 0;
  // Pass 1: what each node keeps; a freed copy whose replacement exists goes once that one runs.
  for (const service of [...new Set([...services, ...byService.keys(), ...desired.keys()])].sort()) {
    const have = (byService.get(service) ?? []).sort((a, b) => ordinal(a.instance) - ordinal(b.instance));
    const want = desired.get(service) ?? new Map<string, number>();
    const onNode = new Map<string, Assigned[]>();
    for (const a of have) (onNode.get(a.node) ?? onNode.set(a.node, []).get(a.node)!).push(a);
    const kept = new Map<string, Assigned>();
    const freed: Assigned[] = [];
    for (const [node, list] of onNode) {
      for (const a of list.slice(0, want.get(node) ?? 0)) kept.set(a.instance, a);
      freed.push(...list.slice(want.get(node) ?? 0));
    }
    const reusable: Assigned[] = [];
    for (const f of freed) {
      const replacement = kept.get(f.instance);
      if (!replacement) reusable.push(f);
      else if (context.singleton(service) || !context.draining.has(f.node) || context.running(replacement.node, f.instance)) diff.deletes.push(f);
      else inFlight++; // the old copy serves until its replacement runs
    }
    plans.push({ service, want, onNode, reusable, next: have.reduce((m, a) => Math.max(m, ordinal(a.instance) + 1), 0) });
  }
  // Pass 2: fill each node's missing copies, reusing freed names (a move keeps its instance name).
  let slots = Math.max(0, context.rollingBatch - inFlight);
  for (const { service, want, onNode, reusable, next: first } of plans) {
    let next = first;
    for (const [node, count] of [...want].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (let i = count - (onNode.get(node)?.length ?? 0); i > 0; i--) {
        const old = reusable.shift();
        const put = { node, service, instance: old?.instance ?? `${service}-${next++}` };
        const rolling = old !== undefined && context.draining.has(old.node) && !context.singleton(service);
        if (context.singleton(service) && context.singletonRunning(service, node)) {
          diff.held.push(put);
          if (old) diff.deletes.push(old);
        } else if (rolling) {
          if (slots > 0) { slots--; diff.puts.push(put); } else diff.held.push(put); // the old copy stays until its turn
        } else {
          diff.puts.push(put);
          if (old) diff.deletes.push(old);
        }
      }
    }
    diff.deletes.push(...reusable); // surplus: nothing replaces it
  }
  return diff;
}

function ordinal(instance: string): number {
  const n = Number(instance.slice(instance.lastIndexOf("-") + 1));
  return Number.isInteger(n) ? n : 0;
}
