// Deadlines: an indexed binary min-heap over timer ids, so `tick` costs O(log n) per due timer
// and nothing per idle one. Ties break on the timer id, which keeps firing order deterministic.
// Timer ids, each owned by one layer, which the loop routes to its owner (loop.ts):
//   3 * slot      lifecycle: the instance's start or stop deadline
//   3 * slot + 1  health: the watchdog deadline, or a kill it scheduled, while the instance runs
//   3 * slot + 2  recovery: the end of the instance's restart delay, while it is down
//   then SERVICES_MAX ids for services (recovery: restart delay, deferred work; timerOfService)
//   and CHECKS_MAX ids for health checks (timerOfCheck);
//   then, with rollouts (features.ts), ROLLOUT_SERVICES ids for the lifecycle's drain deadlines
//   (timerOfDrain) and ROLLOUT_SERVICES for the rollout layer's next step (timerOfRollout).
// An instance's three ids are adjacent, so deadlines that tie fire instance by instance, in the
// order one shared timer per instance gave them. Its owners' deadlines are exclusive by its
// state (starting or stopping: lifecycle; running: health; down: recovery), and the owners arm
// them with timerArmInstance, which cancels the siblings (debug builds assert none was armed):
// the heap then holds at most TIMERS_MAX timers, one per instance, service and check, while
// every owner has ids of its own.
import { TIMERS_MAX, TIMER_IDS, INSTANCES_MAX, SERVICES_MAX, CHECKS_MAX, ROLLOUT_SERVICES } from "../limits";
import { fillAll } from "../util/fill";

export const NO_DEADLINE: i64 = i64.MAX_VALUE;
const NOT_ARMED: i32 = 0xffff;

const heapIds = new StaticArray<u16>(TIMERS_MAX);
const heapDeadlines = new StaticArray<i64>(TIMERS_MAX);
/** timer id -> heap position, or NOT_ARMED. */
const positions = new StaticArray<u16>(TIMER_IDS);
let size: i32 = 0;

export const INSTANCE_TIMER_LIFECYCLE: i32 = 0;
export const INSTANCE_TIMER_HEALTH: i32 = 1;
export const INSTANCE_TIMER_RECOVERY: i32 = 2;
export const INSTANCE_TIMERS: i32 = 3;
export const SERVICE_TIMER_BASE: i32 = INSTANCE_TIMERS * INSTANCES_MAX;
export const CHECK_TIMER_BASE: i32 = SERVICE_TIMER_BASE + SERVICES_MAX;
export const DRAIN_TIMER_BASE: i32 = CHECK_TIMER_BASE + CHECKS_MAX;
export const ROLLOUT_TIMER_BASE: i32 = DRAIN_TIMER_BASE + ROLLOUT_SERVICES;

@inline export function timerOfInstance(slot: i32): i32 { return INSTANCE_TIMERS * slot + INSTANCE_TIMER_LIFECYCLE; }
@inline export function timerOfWatchdog(slot: i32): i32 { return INSTANCE_TIMERS * slot + INSTANCE_TIMER_HEALTH; }
@inline export function timerOfRestart(slot: i32): i32 { return INSTANCE_TIMERS * slot + INSTANCE_TIMER_RECOVERY; }
@inline export function timerOfService(service: i32): i32 { return SERVICE_TIMER_BASE + service; }
@inline export function timerOfCheck(check: i32): i32 { return CHECK_TIMER_BASE + check; }
@inline export function timerOfDrain(service: i32): i32 { return DRAIN_TIMER_BASE + service; }
@inline export function timerOfRollout(service: i32): i32 { return ROLLOUT_TIMER_BASE + service; }

function before(a: i32, b: i32): bool {
  const da = unchecked(heapDeadlines[a]), db = unchecked(heapDeadlines[b]);
  return da < db || (da == db && unchecked(heapIds[a]) < unchecked(heapIds[b]));
}

function place(position: i32, id: i32, deadline: i64): void {
  unchecked(heapIds[position] = <u16>id);
  unchecked(heapDeadlines[position] = deadline);
  unchecked(positions[id] = <u16>position);
}

function swap(a: i32, b: i32): void {
  const idA = <i32>unchecked(heapIds[a]), deadlineA = unchecked(heapDeadlines[a]);
  place(a, <i32>unchecked(heapIds[b]), unchecked(heapDeadlines[b]));
  place(b, idA, deadlineA);
}

function siftUp(position: i32): void {
  while (position > 0) {
    const parent = (position - 1) >> 1;
    if (!before(position, parent)) return;
    swap(position, parent);
    position = parent;
  }
}

function siftDown(position: i32): void {
  for (;;) {
    const left = 2 * position + 1;
    if (left >= size) return;
    const right = left + 1;
    const child = right < size && before(right, left) ? right : left;
    if (!before(child, position)) return;
    swap(position, child);
    position = child;
  }
}

/** Arms (or re-arms) timer `id` to fire at `deadline`; at most TIMERS_MAX are armed at once. */
export function timerArm(id: i32, deadline: i64): void {
  let position = <i32>positions[id];
  if (position == NOT_ARMED) {
    assert(size < TIMERS_MAX, "more timers armed than TIMERS_MAX");
    position = size++;
  }
  reposition(position, id, deadline);
}

/** Places timer `id` at `position` and moves it to where its deadline belongs (a new timer, the
 *  last, has no children: its sift down returns at once). */
function reposition(position: i32, id: i32, deadline: i64): void {
  place(position, id, deadline);
  siftDown(position);
  siftUp(<i32>unchecked(positions[id]));
}

/**
 * Arms an instance's timer (timerOfInstance, timerOfWatchdog, timerOfRestart) for its owner:
 * the instance's other owners hold no deadline any more, so one heap place per instance suffices.
 */
export function timerArmInstance(id: i32, deadline: i64): void {
  const first = id - id % INSTANCE_TIMERS;
  for (let sibling = first; sibling < first + INSTANCE_TIMERS; sibling++) {
    if (sibling == id || <i32>unchecked(positions[sibling]) == NOT_ARMED) continue;
    assert(false, "two owners armed one instance's timers at once");
    timerCancel(sibling);
  }
  timerArm(id, deadline);
}

export function timerCancel(id: i32): void {
  const position = <i32>positions[id];
  if (position == NOT_ARMED) return;
  unchecked(positions[id] = <u16>NOT_ARMED);
  size--;
  if (position == size) return;
  reposition(position, <i32>unchecked(heapIds[size]), unchecked(heapDeadlines[size]));
}

@inline export function timerIsArmed(id: i32): bool { return <i32>positions[id] != NOT_ARMED; }

/** Arms timer `id` for `deadline` unless it is already armed to fire earlier. */
export function timerArmBy(id: i32, deadline: i64): void {
  const position = <i32>positions[id];
  if (position == NOT_ARMED || unchecked(heapDeadlines[position]) > deadline) timerArm(id, deadline);
}

export function timerNextDeadline(): i64 { return size > 0 ? unchecked(heapDeadlines[0]) : NO_DEADLINE; }

/** Removes and returns the earliest timer due at `now`, or -1 when none is due. */
export function timerPopDue(now: i64): i32 {
  if (size == 0 || unchecked(heapDeadlines[0]) > now) return -1;
  const id = <i32>unchecked(heapIds[0]);
  timerCancel(id);
  return id;
}

export function timerArmedCount(): i32 { return size; }

export function timersReset(): void {
  size = 0;
  fillAll(positions, <u16>NOT_ARMED);
}

timersReset();
