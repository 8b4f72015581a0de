// The assignment table's indexes (tables.ts): the free slots as a two-level bitmap, and every
// used slot on two doubly linked lists, its service's and its node's (WAITING for a slot with
// no node). With them placing takes the lowest free slot in a few word reads, a service's
// instances are walked without the rest, and a node dying or draining touches only its own
// instances. Every change of slotService/slotNode/slotBackup goes through here, so the lists never
// drift: each node also lists the backup entries naming it (a node's change re-checks only the
// instances it stands by for), and every change marks the nodes it touches dirty (moves.ts).
import { fleet, NONE, NO_SLOT, WAITING, BACKUPS_PER_SLOT } from "./tables";
import { forgetMove, slotMoved } from "./moves";

/** Takes the lowest free slot (the caller checked one is free): it becomes the service's, waiting for a node. */
export function slotTake(service: i32): i32 {
  let s = 0;
  while (unchecked(fleet.freeSummary[s]) == 0) s++;
  const word = (s << 6) + <i32>ctz(unchecked(fleet.freeSummary[s]));
  const bits = unchecked(fleet.freeBits[word]);
  const slot = (word << 6) + <i32>ctz(bits);
  const left = bits & (bits - 1);
  fleet.freeBits[word] = left;
  if (left == 0) fleet.freeSummary[s] &= ~(<u64>1 << <u64>(word & 63));
  fleet.slotService[slot] = <u16>service;
  fleet.slotNode[slot] = NONE;
  fleet.slotsUsed++;
  link(fleet.serviceHead, fleet.nextOfService, fleet.prevOfService, service, slot);
  fleet.serviceInstances[service]++;
  link(fleet.nodeHead, fleet.nextOnNode, fleet.prevOnNode, WAITING, slot);
  fleet.nodeInstances[WAITING]++;
  return slot;
}

/** Frees a slot that waits for a node (unplace it first). */
export function slotGive(slot: i32): void {
  const service = <i32>unchecked(fleet.slotService[slot]);
  unlink(fleet.serviceHead, fleet.nextOfService, fleet.prevOfService, service, slot);
  fleet.serviceInstances[service]--;
  unlink(fleet.nodeHead, fleet.nextOnNode, fleet.prevOnNode, WAITING, slot);
  fleet.nodeInstances[WAITING]--;
  fleet.slotService[slot] = NONE;
  fleet.slotsUsed--;
  forgetMove(slot, service);
  const word = slot >> 6;
  fleet.freeBits[word] |= <u64>1 << <u64>(slot & 63);
  fleet.freeSummary[word >> 6] |= <u64>1 << <u64>(word & 63);
}

/** Moves a slot from its node's list (WAITING when it has none) to `node`'s (WAITING: none). */
export function slotSetNode(slot: i32, node: i32): void {
  const from = unchecked(fleet.slotNode[slot]) == NONE ? WAITING : <i32>unchecked(fleet.slotNode[slot]);
  unlink(fleet.nodeHead, fleet.nextOnNode, fleet.prevOnNode, from, slot);
  fleet.nodeInstances[from]--;
  link(fleet.nodeHead, fleet.nextOnNode, fleet.prevOnNode, node, slot);
  fleet.nodeInstances[node]++;
  fleet.slotNode[slot] = node == WAITING ? NONE : <u16>node;
  if (node != WAITING) slotMoved(slot, node); // the node it left only gained room: nothing there to re-check
}

/** Names `node` the k-th backup of a slot (NONE: none), keeping the node's list of the entries naming it. */
export function slotSetBackup(slot: i32, k: i32, node: i32): void {
  const entry = slot * BACKUPS_PER_SLOT + k;
  const before = <i32>unchecked(fleet.slotBackup[entry]);
  if (before == node) return;
  if (before != <i32>NONE) unlink(fleet.backedHead, fleet.nextBacked, fleet.prevBacked, before, entry);
  fleet.slotBackup[entry] = <u16>node;
  if (node != <i32>NONE) link(fleet.backedHead, fleet.nextBacked, fleet.prevBacked, node, entry);
}

/** The first backup entry (slot * BACKUPS_PER_SLOT + k) naming a node (NO_SLOT: none); nextBacked walks on. */
@inline export function firstBackedBy(node: i32): i32 { return unchecked(fleet.backedHead[node]); }

/** The first slot of a service's list (NO_SLOT: none); nextOfService walks on. */
@inline export function firstOfService(service: i32): i32 { return unchecked(fleet.serviceHead[service]); }
/** The first slot on a node's list (WAITING: the instances waiting for a node); nextOnNode walks on. */
@inline export function firstOnNode(node: i32): i32 { return unchecked(fleet.nodeHead[node]); }

// link and unlink write unchecked: `list` is a node (or WAITING) or a service and `slot` a slot of the table, both from the kernel's own tables.
function link(head: StaticArray<i32>, next: StaticArray<i32>, prev: StaticArray<i32>, list: i32, slot: i32): void {
  const first = unchecked(head[list]);
  unchecked(next[slot] = first);
  unchecked(prev[slot] = NO_SLOT);
  if (first != NO_SLOT) unchecked(prev[first] = slot);
  unchecked(head[list] = slot);
}

function unlink(head: StaticArray<i32>, next: StaticArray<i32>, prev: StaticArray<i32>, list: i32, slot: i32): void {
  const before = unchecked(prev[slot]), after = unchecked(next[slot]);
  if (before == NO_SLOT) unchecked(head[list] = after);
  else unchecked(next[before] = after);
  if (after != NO_SLOT) unchecked(prev[after] = before);
}

/**
 * Copies the slots of a list into `out` in ascending slot order (the order a scan of the whole
 * table would meet them; `byService`: by service, then slot); returns how many. A heap sort: no allocation, n log n.
 */
export function sortedSlots(first: i32, next: StaticArray<i32>, out: StaticArray<u32>, byService: bool = false): i32 {
  let n = 0;
  for (let slot = first; slot != NO_SLOT; slot = unchecked(next[slot])) out[n++] = <u32>slot;
  sortAscending(out, n, byService);
  return n;
}

/**
 * Sorts the first n slots of `out` ascending in place (a heap sort: no allocation, n log n);
 * `byService`: by service first, then slot (a service's instances together, in slot order).
 */
export function sortAscending(out: StaticArray<u32>, n: i32, byService: bool = false): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(out, i, n, byService);
  for (let end = n - 1; end > 0; end--) {
    const top = out[0];
    out[0] = out[end];
    out[end] = top;
    siftDown(out, 0, end, byService);
  }
}

@inline function sortKey(slot: u32, byService: bool): u64 {
  return byService ? (<u64>unchecked(fleet.slotService[<i32>slot]) << 32) | <u64>slot : <u64>slot;
}

function siftDown(a: StaticArray<u32>, root: i32, n: i32, byService: bool): void {
  let i = root;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) return;
    if (child + 1 < n && sortKey(unchecked(a[child + 1]), byService) > sortKey(unchecked(a[child]), byService)) child++;
    const t = unchecked(a[i]), c = unchecked(a[child]);
    if (sortKey(t, byService) >= sortKey(c, byService)) return;
    a[i] = c;
    a[child] = t;
    i = child;
  }
}
