// Deadlines: an indexed binary min-heap over timer ids, so `tick` costs O(log n) per due timer
// and nothing per idle one. Ties break on the timer id, which keeps firing order deterministic.
// Timer ids: [0, INSTANCES_MAX) are instance timers (start/stop deadlines, the watchdog while an
// instance runs); the next SERVICES_MAX ids belong to services (restart delay, see
// timerOfService); the last CHECKS_MAX ids to health checks (see timerOfCheck).
import { TIMERS_MAX, INSTANCES_MAX, SERVICES_MAX } from "../limits";

export const NO_DEADLINE: i64 = i64.MAX_VALUE;

const heapIds = new StaticArray<i32>(TIMERS_MAX);
const heapDeadlines = new StaticArray<i64>(TIMERS_MAX);
/** timer id -> heap position, or -1 when not armed. */
const positions = new StaticArray<i32>(TIMERS_MAX);
let size: i32 = 0;

@inline export function timerOfInstance(slot: i32): i32 { return slot; }
@inline export function timerOfService(service: i32): i32 { return INSTANCES_MAX + service; }
@inline export function timerOfCheck(check: i32): i32 { return CHECK_TIMER_BASE + check; }
export const SERVICE_TIMER_BASE: i32 = INSTANCES_MAX;
export const CHECK_TIMER_BASE: i32 = INSTANCES_MAX + SERVICES_MAX;

@inline function before(a: i32, b: i32): bool {
  const da = unchecked(heapDeadlines[a]), db = unchecked(heapDeadlines[b]);
  return da < db || (da == db && unchecked(heapIds[a]) < unchecked(heapIds[b]));
}

function place(position: i32, id: i32, deadline: i64): void {
  unchecked(heapIds[position] = id);
  unchecked(heapDeadlines[position] = deadline);
  unchecked(positions[id] = position);
}

function swap(a: i32, b: i32): void {
  const idA = unchecked(heapIds[a]), deadlineA = unchecked(heapDeadlines[a]);
  place(a, unchecked(heapIds[b]), unchecked(heapDeadlines[b]));
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

/** Arms (or re-arms) timer `id` to fire at `deadline`. */
export function timerArm(id: i32, deadline: i64): void {
  let position = positions[id];
  if (position < 0) {
    position = size++;
    place(position, id, deadline);
  } else {
    unchecked(heapDeadlines[position] = deadline);
    siftDown(position);
  }
  siftUp(unchecked(positions[id]));
}

export function timerCancel(id: i32): void {
  const position = positions[id];
  if (position < 0) return;
  unchecked(positions[id] = -1);
  size--;
  if (position == size) return;
  const moved = unchecked(heapIds[size]);
  place(position, moved, unchecked(heapDeadlines[size]));
  siftDown(position);
  siftUp(unchecked(positions[moved]));
}

@inline export function timerIsArmed(id: i32): bool { return positions[id] >= 0; }

/** Arms timer `id` for `deadline` unless it is already armed to fire earlier. */
export function timerArmBy(id: i32, deadline: i64): void {
  const position = positions[id];
  if (position < 0 || unchecked(heapDeadlines[position]) > deadline) timerArm(id, deadline);
}

export function timerNextDeadline(): i64 { return size > 0 ? unchecked(heapDeadlines[0]) : NO_DEADLINE; }

/** Removes and returns the earliest timer due at `now`, or -1 when none is due. */
export function timerPopDue(now: i64): i32 {
  if (size == 0 || unchecked(heapDeadlines[0]) > now) return -1;
  const id = unchecked(heapIds[0]);
  timerCancel(id);
  return id;
}

export function timerArmedCount(): i32 { return size; }

export function timersReset(): void {
  size = 0;
  positions.fill(-1);
}

timersReset();
