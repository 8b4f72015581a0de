// The plan's per-slot records (plan.ts) and the dirty node sets that keep planning proportional
// to what changed. `running` is where the executor last confirmed an instance runs, `target`
// the node its move goes to, `state` the move's progress, `trigger` why it moves. A node is
// marked dirty (for the plan and for the backups separately) when its state, labels, load, tier
// or capacity change, and when a move of one of its instances ends; an instance put on a node is
// remembered itself (for both). A planning round then walks only the instances put on a node
// since and the dirty nodes' instances, and settling backups only the instances moved since and
// the instances the dirty nodes stand by for (slots.ts).
import { PLACEMENT_NODES_MAX, PLACEMENT_SLOTS_MAX, PLACEMENT_SERVICES } from "../limits";
import { WITH_PLACEMENT } from "../features";
import { NONE } from "./tables";
import { fillAll } from "../util/fill";

export const MOVE_NONE: u8 = 0;
/** The action is in the outbox; the executor has not said it began. */
export const MOVE_PLANNED: u8 = 1;
export const MOVE_STARTED: u8 = 2;
/** Not a recorded trigger: planRound infers it from the running node. */
export const TRIGGER_INFER: u8 = 0xFF;
/** Targets a slot's failed moves exclude at once (exclusions.ts); one more to exclude gives the move up. */
export const EXCLUDED_PER_SLOT: i32 = 2;
/** The flag in failCount of a slot whose move was given up (exclusions.ts): it waits until an excluded node rejoins. */
export const GAVE_UP: u8 = 0x80;

/** Default: consecutive failed starts of a move on one target before that target is excluded for the instance. */
export const MOVE_RETRY_LIMIT: i32 = 3;

/** Moved slots remembered for the backups (a sixteenth of the slots, at least 64). */
const MOVED_MAX: i32 = PLACEMENT_SLOTS_MAX == 0 ? 0 : max(min(64, PLACEMENT_SLOTS_MAX), PLACEMENT_SLOTS_MAX >> 4);

/** Slots put on a node since the last planning round, remembered for the plan (a 256th of the slots, at least 64); past it, their nodes are marked instead. */
const PLAN_MOVED_MAX: i32 = PLACEMENT_SLOTS_MAX == 0 ? 0 : max(min(64, PLACEMENT_SLOTS_MAX), PLACEMENT_SLOTS_MAX >> 8);

/** The dirty sets a mark adds a node to. */
export const DIRTY_PLAN: u8 = 1;
export const DIRTY_BACKUPS: u8 = 2;

export class Plans {
  readonly running: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  readonly target: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  readonly state: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SLOTS_MAX);
  readonly trigger: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SLOTS_MAX);
  /** Failed moves (exclusions.ts): the target the slot's consecutive failures were on and how many (| GAVE_UP: given up). */
  readonly failNode: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  readonly failCount: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SLOTS_MAX);
  /** The targets excluded for each slot (EXCLUDED_PER_SLOT a row, NONE: free), each with its node's era when excluded. */
  readonly excluded: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX * EXCLUDED_PER_SLOT);
  readonly excludedEra: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX * EXCLUDED_PER_SLOT);
  /** Failed starts of one target that exclude it for the instance (docs/defaults.md). */
  retryLimit: i32 = MOVE_RETRY_LIMIT;
  /** The slot being placed again (exclusions apply to it only), or -1. */
  placing: i32 = -1;
  /** Scratch per round: moves each service may still start off live nodes (-1: no limit). */
  readonly budget: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SERVICES);
  /** Moves planned or started per service, and over all (planned, started). */
  readonly inFlight: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SERVICES);
  planned: i32 = 0;
  started: i32 = 0;
  rounds: i32 = 0;
  /** The dirty nodes: a mark per node (DIRTY_* bits) and one list per set. */
  readonly dirtyMark: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_NODES_MAX);
  readonly planDirty: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_NODES_MAX);
  readonly backupDirty: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_NODES_MAX);
  planDirtyCount: i32 = 0;
  backupDirtyCount: i32 = 0;
  /** The slots put on a node since the backups were last settled; past MOVED_MAX, every slot on a dirty node is settled instead. */
  readonly moved: StaticArray<u32> = new StaticArray<u32>(MOVED_MAX);
  movedCount: i32 = 0;
  movedOverflow: bool = false;
  /** The slots put on a node since the last planning round (a planning round walks them and the slots of the plan's dirty nodes). */
  readonly planMoved: StaticArray<u32> = new StaticArray<u32>(PLAN_MOVED_MAX);
  planMovedCount: i32 = 0;
  constructor() { this.reset(); }
  reset(): void {
    fillAll(this.running, NONE);
    fillAll(this.target, NONE);
    fillAll(this.state, MOVE_NONE);
    fillAll(this.trigger, TRIGGER_INFER);
    fillAll(this.failNode, NONE);
    fillAll(this.failCount, 0);
    fillAll(this.excluded, NONE);
    this.retryLimit = MOVE_RETRY_LIMIT;
    this.placing = -1;
    fillAll(this.inFlight, 0);
    this.planned = 0;
    this.started = 0;
    this.rounds = 0;
    fillAll(this.dirtyMark, 0);
    this.planDirtyCount = 0;
    this.backupDirtyCount = 0;
    this.movedCount = 0;
    this.movedOverflow = false;
    this.planMovedCount = 0;
  }
}

export const plans: Plans = WITH_PLACEMENT ? new Plans() : changetype<Plans>(0);

/** Adds a node to the dirty sets `which` (DIRTY_* bits); WAITING and NONE are not nodes. */
export function markNode(node: i32, which: u8): void {
  if (node < 0 || node >= PLACEMENT_NODES_MAX) return;
  const had = unchecked(plans.dirtyMark[node]);
  if ((which & DIRTY_PLAN) != 0 && (had & DIRTY_PLAN) == 0) plans.planDirty[plans.planDirtyCount++] = <u16>node;
  if ((which & DIRTY_BACKUPS) != 0 && (had & DIRTY_BACKUPS) == 0) plans.backupDirty[plans.backupDirtyCount++] = <u16>node;
  plans.dirtyMark[node] = had | which;
}

/** Remembers a slot put on `node`: its backups are settled again, and the next planning round looks at it (past the list: at every slot of its node). */
export function slotMoved(slot: i32, node: i32): void {
  if (plans.movedCount < MOVED_MAX) plans.moved[plans.movedCount++] = <u32>slot;
  else plans.movedOverflow = true;
  if (plans.planMovedCount < PLAN_MOVED_MAX) plans.planMoved[plans.planMovedCount++] = <u32>slot;
  else markNode(node, DIRTY_PLAN);
  markNode(node, DIRTY_BACKUPS);
}

/** Marks a node changed for both the plan and the backups. */
@inline export function nodeChanged(node: i32): void { markNode(node, DIRTY_PLAN | DIRTY_BACKUPS); }

/** Empties a dirty set (the caller walked it). */
export function clearDirty(which: u8): void {
  const list = which == DIRTY_PLAN ? plans.planDirty : plans.backupDirty;
  const n = which == DIRTY_PLAN ? plans.planDirtyCount : plans.backupDirtyCount;
  for (let k = 0; k < n; k++) { const node = <i32>list[k]; plans.dirtyMark[node] &= ~which; }
  if (which == DIRTY_PLAN) { plans.planDirtyCount = 0; plans.planMovedCount = 0; }
  else { plans.backupDirtyCount = 0; plans.movedCount = 0; plans.movedOverflow = false; }
}

/** Sets a slot's move state, keeping the in-flight counts. */
export function setMoveState(slot: i32, service: i32, state: u8): void {
  const before = unchecked(plans.state[slot]);
  if (before == state) return;
  if (before == MOVE_PLANNED) plans.planned--;
  else if (before == MOVE_STARTED) plans.started--;
  if (state == MOVE_PLANNED) plans.planned++;
  else if (state == MOVE_STARTED) plans.started++;
  if (before == MOVE_NONE) plans.inFlight[service]++;
  else if (state == MOVE_NONE) plans.inFlight[service]--;
  plans.state[slot] = state;
}

/** A freed slot forgets its move (slots.ts slotGive). */
export function forgetMove(slot: i32, service: i32): void {
  setMoveState(slot, service, MOVE_NONE);
  plans.running[slot] = NONE;
  plans.target[slot] = NONE;
  plans.trigger[slot] = TRIGGER_INFER;
  plans.failNode[slot] = NONE;
  plans.failCount[slot] = 0;
  for (let k = 0; k < EXCLUDED_PER_SLOT; k++) plans.excluded[slot * EXCLUDED_PER_SLOT + k] = NONE;
}
