// Loading a manifest version: validate the whole blob, diff it against the running kernel,
// check capacities — and only then apply, in steps that cannot fail. Anything wrong before that
// point leaves the kernel exactly as it was (the error names the offset and the service).
//
// What the kernel does with a diff:
//   added service      registered; started when the system is up (some service wants up or runs)
//   removed service    unregistered now if at rest, else stopped and unregistered once at rest
//   hot config change  applied in place: ACTION_CONFIG_CHANGED to the host, no restart
//   cold change        (instances, dependencies, a cold config key) the service and what
//                      requires it are stopped, the change lands at rest, then they start
//                      again (dependencies first: the lifecycle's own ordering)
//   type, tags, timeouts, addresses: in place
//   health, restart, balance sections (HEALTH, RECOVERY, BALANCE records): hot, re-applied in
//                      place when added, changed or removed (sections/: one applier each)
import { SERVICES_MAX } from "../limits";
import { E_MANIFEST_NO_PREVIOUS, E_NOT_IN_PROFILE } from "../errors";
import {
  serviceResize, serviceUsed, serviceType, serviceTags, serviceState, serviceStartTimeoutMs, serviceStopTimeoutMs,
} from "../registry/services";
import { registryChanged } from "../registry/generation";
import { tagAcquire, tagRelease } from "../registry/tags";
import { edgeInsert, edgesRemoveFrom, dependentCount } from "../graph/edges";
import { DEP_REQUIRES } from "../graph/edges";
import { walkFrom, walked, kindBit, TOWARD_DEPENDENTS, THROUGH_DISABLED } from "../graph/walk";
import { requestStart, requestStop, isAtRest } from "../lifecycle/jobs";
import { serviceWantUp } from "../lifecycle/transitions";
import { STATE_STARTING, STATE_RUNNING } from "../registry/states";
import { CAUSE_COMMAND } from "../lifecycle/causes";
import { eventLog, EVENT_MANIFEST_APPLIED, EVENT_MANIFEST_REJECTED } from "../log/events";
import { outboxPush, ACTION_CONFIG_CHANGED } from "../log/outbox";
import { subscriptionsRefresh } from "../discovery/subscriptions";
import { WITH_DISCOVERY, WITH_PLACEMENT } from "../features";
import { configIndexBegin, configIndexService, configKeys, configRecordAt, sectionStart, sectionEnd } from "../config/store";
import { fail } from "../util/detail";
import { admitService, dismissService } from "../membership";
import { TAG_TAG, TAG_CONFIG, TAG_HEALTH, TAG_RECOVERY, TAG_BALANCE, TAG_PLACEMENT, TAG_RESOURCES, TAG_UNITS, TAG_UPDATE, TAG_IDENTITY, RECORD_HEADER_BYTES, H_SERIAL } from "./format";
import { placementApply } from "./sections/placement";
import { resourcesSectionApply } from "./sections/resources";
import { admissionRekey } from "../resources/admission";
import { WITH_RESOURCES, WITH_CONFIG_KEYS, WITH_ROLLOUT, WITH_MANIFEST_RELOAD, WITH_COMPAT, WITH_ALL_STRATEGIES } from "../features";
import { servicesRegistered } from "../registry/services";
import { WITH_SECURITY } from "../features";
import { identityApply } from "../security/root-rule";
import { updateSectionApply } from "./sections/update";
import { compatCheckBlob, compatApplyBlob } from "./sections/compat";
import { addressedOrdinals } from "./addresses";
import { validateBlob } from "./validate";
import {
  manifestErrorOffset, blobServiceCount, blobServiceAt, blobServiceEnd, blobType, blobInstances, blobStartMs, blobStopMs,
  blobNames, depFrom, depTo, depKind, depCondition, depCount,
} from "./blob-tables";
import { nextRecord, findRecord } from "./reader";
import {
  computeDiff, checkCapacity, compareConfig, CONFIG_HOT, blobOldId, oldIdOf, blobChange, kept, freeable, CHANGE_ADDED,
  CHANGE_COLD, CHANGE_DEPENDENCIES, CHANGE_INSTANCES, CHANGE_HEALTH, CHANGE_RECOVERY, CHANGE_BALANCE, CHANGE_PLACEMENT, sectionPayload,
} from "./diff";
import { healthApply } from "./sections/health";
import { runDigestsApply } from "./sections/run-digest";
import { recoveryApply, recoveryBackupIndex } from "./sections/recovery";
import { balanceApply, balanceHashes, balanceWeights } from "./sections/balance";
import { slotPtr, slotLength, setSlotLength, stagingSlot, currentSlot, previousSlot, promote } from "./slots";
import { fillAll } from "../util/fill";

const PENDING_REMOVE: u8 = 1;
const PENDING_RESIZE: u8 = 2;
const PENDING_START: u8 = 4;

const pending = new StaticArray<u8>(SERVICES_MAX);
const pendingCount = new StaticArray<u16>(SERVICES_MAX);
const blobKernelId = new StaticArray<i32>(SERVICES_MAX);
let pendingAny: bool = false;
let revision: u32 = 0;

export function manifestRevision(): u32 { return revision; }
export function manifestSerial(): u32 { return currentSlot < 0 ? 0 : load<u32>(slotPtr(currentSlot) + <usize>H_SERIAL); }
export function manifestPendingCount(): i32 {
  if (!WITH_MANIFEST_RELOAD) return 0; // (tiny: a load leaves no work pending)
  let n = 0;
  for (let id = 0; id < SERVICES_MAX; id++) if (pending[id] != 0) n++;
  return n;
}

/** Validates and applies the blob staged in the staging slot (`length` bytes). */
export function manifestLoadStaged(length: i32): i32 {
  return loadSlot(stagingSlot, length, 0);
}

/** Returns to the previous version (validated and diffed like any load). */
export function manifestRollback(): i32 {
  if (previousSlot < 0) {
    return fail(E_MANIFEST_NO_PREVIOUS).text("rollback: revision ").int(revision).text(" has no previous version").code();
  }
  return loadSlot(previousSlot, slotLength(previousSlot), 1);
}

function loadSlot(slot: i32, length: i32, how: u8): i32 {
  const ptr = slotPtr(slot);
  let result = !WITH_MANIFEST_RELOAD && (currentSlot >= 0 || servicesRegistered() > 0) ? fail(E_NOT_IN_PROFILE).code() : validateBlob(ptr, length);
  if (result >= 0) {
    computeDiff(ptr, currentBlob());
    result = checkCapacity(ptr);
    if (WITH_COMPAT && result >= 0) result = compatCheckBlob(ptr); // before anything changes
  }
  if (result < 0) {
    eventLog(EVENT_MANIFEST_REJECTED, -1, manifestErrorOffset(), 0, how, CAUSE_COMMAND, result);
    return result;
  }
  setSlotLength(slot, length);
  apply(ptr);
  promote(slot);
  revision++;
  eventLog(EVENT_MANIFEST_APPLIED, -1, -1, how, 0, CAUSE_COMMAND, <i32>revision);
  return <i32>revision;
}

// ---- apply (cannot fail: every check ran before) -----------------------------------------------

/** The blob loaded now; 0 when none (always, in a load without reload: tiny). */
function currentBlob(): usize {
  return !WITH_MANIFEST_RELOAD || currentSlot < 0 ? 0 : slotPtr(currentSlot);
}

function apply(ptr: usize): void {
  const oldPtr = currentBlob();
  const systemUp = WITH_MANIFEST_RELOAD && anyWantsUp();
  if (WITH_MANIFEST_RELOAD) {
    // 1. dependencies that change are dropped first, so removed services lose their dependents
    for (let i = 0; i < blobServiceCount; i++) {
      if ((blobChange[i] & CHANGE_DEPENDENCIES) != 0) edgesRemoveFrom(blobOldId[i]);
    }
    removeServices();
  }
  for (let i = 0; i < blobServiceCount; i++) blobKernelId[i] = oldIdOf(i) >= 0 ? oldIdOf(i) : addService(ptr, i);
  for (let i = 0; i < blobServiceCount; i++) updateService(ptr, i);
  for (let e = 0; e < depCount; e++) {
    const from = <i32>depFrom[e];
    if (WITH_MANIFEST_RELOAD && (blobChange[from] & (CHANGE_ADDED | CHANGE_DEPENDENCIES)) == 0) continue; // (tiny: every service is added)
    edgeInsert(blobKernelId[from], blobKernelId[<i32>depTo[e]], depKind[e], depCondition[e]);
  }
  const hotBase = oldPtr;
  if (WITH_CONFIG_KEYS) {
    announceHotChanges(ptr, hotBase);
    configIndexBegin();
    for (let i = 0; i < blobServiceCount; i++) configIndexService(blobKernelId[i], ptr, blobServiceAt[i], blobServiceEnd[i]);
  }
  if (WITH_DISCOVERY) for (let i = 0; i < blobServiceCount; i++) subscriptionsRefresh(blobKernelId[i]);
  applySections(ptr);
  if (WITH_ROLLOUT) runDigestsApply(ptr, blobKernelId, false); // at rest: before the versions (sections/run-digest.ts)
  if (WITH_COMPAT) compatApplyBlob(ptr, blobKernelId);
  if (WITH_ROLLOUT) runDigestsApply(ptr, blobKernelId, true); // rolling out: after them
  if (WITH_MANIFEST_RELOAD) restartColdChanged();
  if (systemUp) {
    // started from manifestSettle, once every pending resize has landed (a start now could
    // pull a stopping dependency straight back up before its new instance count applied)
    for (let i = 0; i < blobServiceCount; i++) {
      if ((blobChange[i] & CHANGE_ADDED) != 0) pending[blobKernelId[i]] |= PENDING_START;
    }
    pendingAny = true;
  }
}

/**
 * The changed HEALTH, RECOVERY and BALANCE sections, each by its applier (sections/), on the
 * services as they are: hot, no restart. Consistent hashing last, so the services that give up
 * a hash table have let it go before the ones that take one.
 */
const SECTION_PASSES: i32 = WITH_ALL_STRATEGIES ? 2 : 1; // (tiny: no consistent hashing)

function applySections(ptr: usize): void {
  for (let pass = 0; pass < SECTION_PASSES; pass++) {
    for (let i = 0; i < blobServiceCount; i++) {
      const id = blobKernelId[i];
      const change = blobChange[i];
      if ((change & CHANGE_BALANCE) != 0) {
        const balance = sectionPayload(ptr, i, TAG_BALANCE);
        if (!WITH_ALL_STRATEGIES || balanceHashes(balance) == (pass == 1)) balanceApply(id, balance);
      }
      if (pass == 1) continue;
      if (WITH_RESOURCES) resourcesSectionApply(id, sectionPayload(ptr, i, TAG_RESOURCES), sectionPayload(ptr, i, TAG_UNITS));
      if (WITH_SECURITY) identityApply(id, sectionPayload(ptr, i, TAG_IDENTITY));
      if (WITH_ROLLOUT) {
        const addressed = addressedOrdinals(ptr, blobServiceAt[i], blobServiceEnd[i]);
        updateSectionApply(id, sectionPayload(ptr, i, TAG_UPDATE), addressed == 0 ? -1 : max(0, addressed - <i32>blobInstances[i]));
      }
      if ((change & CHANGE_RECOVERY) != 0) {
        const recovery = sectionPayload(ptr, i, TAG_RECOVERY);
        const backup = recovery == 0 ? -1 : recoveryBackupIndex(recovery);
        recoveryApply(id, recovery, backup < 0 ? -1 : blobKernelId[backup]);
      }
      if ((change & CHANGE_HEALTH) != 0) healthApply(id, sectionPayload(ptr, i, TAG_HEALTH));
      if (WITH_PLACEMENT && (change & CHANGE_PLACEMENT) != 0) placementApply(id, sectionPayload(ptr, i, TAG_PLACEMENT));
    }
  }
}

/** After a resize at rest: the new instances take their weights from the current BALANCE section. */
function reweigh(id: i32): void {
  if (currentSlot < 0 || sectionStart[id] < 0) return;
  const ptr = slotPtr(currentSlot);
  const at = findRecord(ptr, sectionStart[id], sectionEnd[id], TAG_BALANCE);
  if (at >= 0) balanceWeights(id, ptr + <usize>(at + RECORD_HEADER_BYTES));
}

/** Is the system up: does any registered service (kept or about to go) want up or run? */
function anyWantsUp(): bool {
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!serviceUsed[id]) continue;
    const state = serviceState[id];
    if (serviceWantUp[id] || state == STATE_STARTING || state == STATE_RUNNING) return true;
  }
  return false;
}

function removeServices(): void {
  for (let id = 0; id < SERVICES_MAX; id++) if (freeable[id]) edgesRemoveFrom(id);
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!serviceUsed[id] || kept[id]) continue;
    if (freeable[id]) { unregister(id); continue; }
    pending[id] = PENDING_REMOVE;
    pendingAny = true;
    if (!isAtRest(id)) requestStop(id);
  }
}

/** Unregisters a service at rest with no dependents (the ABI's serviceUnregister, minus checks). */
function unregister(id: i32): void {
  pending[id] = 0;
  dismissService(id);
}

function addService(ptr: usize, i: i32): i32 {
  const id = admitService(blobNames.namePtr(i), blobNames.nameLength(i), blobType[i], blobInstances[i]);
  assert(id >= 0, "a validated service failed to register");
  if (WITH_MANIFEST_RELOAD) pending[id] = 0;
  return id;
}

/** Type, tags, timeouts in place; instances now (at rest) or when the service comes to rest. */
function updateService(ptr: usize, i: i32): void {
  const id = blobKernelId[i];
  if (WITH_MANIFEST_RELOAD && serviceType[id] != blobType[i]) { serviceType[id] = blobType[i]; registryChanged(); } // (tiny: admitted with it)
  if (WITH_RESOURCES) admissionRekey(id); // a queued start follows its type
  serviceStartTimeoutMs[id] = blobStartMs[i];
  serviceStopTimeoutMs[id] = blobStopMs[i];
  replaceTags(ptr, id, i);
  if (!WITH_MANIFEST_RELOAD || (blobChange[i] & CHANGE_INSTANCES) == 0) return;
  if (isAtRest(id)) {
    serviceResize(id, blobInstances[i]);
  } else {
    pending[id] |= PENDING_RESIZE;
    pendingCount[id] = blobInstances[i];
    pendingAny = true;
  }
}

function replaceTags(ptr: usize, id: i32, i: i32): void {
  const old = WITH_MANIFEST_RELOAD ? serviceTags[id] : 0; // (tiny: a service just admitted has none)
  let tags: u64 = 0;
  for (let offset = blobServiceAt[i]; offset < blobServiceEnd[i]; offset = nextRecord(ptr, offset)) {
    if (load<u8>(ptr + <usize>offset) != TAG_TAG) continue;
    const tag = tagAcquire(ptr + <usize>(offset + RECORD_HEADER_BYTES), <i32>load<u16>(ptr + <usize>(offset + 1)));
    assert(tag >= 0, "a validated tag did not fit");
    tags |= <u64>1 << <u64>tag;
  }
  let release = old;
  while (release != 0) {
    tagRelease(<i32>ctz(release));
    release &= release - 1;
  }
  if (tags != old) registryChanged();
  serviceTags[id] = tags;
}

/** One ACTION_CONFIG_CHANGED per hot key whose value changed on a kept service. */
function announceHotChanges(ptr: usize, oldPtr: usize): void {
  if (oldPtr == 0) return;
  for (let i = 0; i < blobServiceCount; i++) {
    const id = blobOldId[i];
    if (id < 0 || (blobChange[i] & CHANGE_COLD) != 0 || sectionStart[id] < 0) continue;
    let ordinal = 0;
    for (let offset = blobServiceAt[i]; offset < blobServiceEnd[i]; offset = nextRecord(ptr, offset)) {
      if (load<u8>(ptr + <usize>offset) != TAG_CONFIG) continue;
      const old = oldRecordFor(oldPtr, id, ptr, offset);
      if (old >= 0 && compareConfig(oldPtr, old, ptr, offset) == CONFIG_HOT) outboxPush(ACTION_CONFIG_CHANGED, id, -1, ordinal);
      ordinal++;
    }
  }
}

function oldRecordFor(oldPtr: usize, id: i32, ptr: usize, offset: i32): i32 {
  const keyLength = <i32>load<u8>(ptr + <usize>(offset + 5));
  const keys = configKeys(id);
  for (let k = 0; k < keys; k++) {
    const old = configRecordAt(id, k);
    if (<i32>load<u8>(oldPtr + <usize>(old + 5)) != keyLength) continue;
    if (memory.compare(oldPtr + <usize>(old + 6), ptr + <usize>(offset + 6), <usize>keyLength) == 0) return old;
  }
  return -1;
}

/** Cold-changed services that are up: stop them and what requires them; start again at rest. */
function restartColdChanged(): void {
  const requires = kindBit(DEP_REQUIRES);
  for (let i = 0; i < blobServiceCount; i++) {
    const id = blobKernelId[i];
    if ((blobChange[i] & CHANGE_ADDED) != 0 || (blobChange[i] & CHANGE_COLD) == 0 || isAtRest(id)) continue;
    const count = walkFrom(id, TOWARD_DEPENDENTS, requires, THROUGH_DISABLED);
    for (let k = 0; k < count; k++) {
      const member = <i32>walked[k];
      if (!isAtRest(member) && (pending[member] & PENDING_REMOVE) == 0) pending[member] |= PENDING_START;
    }
    pendingAny = true;
    requestStop(id);
  }
}

// ---- pending work, done when services come to rest (called from the loop's settle) ------------

/**
 * Applies pending removals and resizes of services now at rest, then, once every service marked
 * for a restart or resize has come to rest, the pending starts (a start earlier could pull a
 * stopping dependency straight back up, skipping its change). True if anything happened.
 */
export function manifestSettle(): bool {
  if (!WITH_MANIFEST_RELOAD || !pendingAny) return false;
  let progress = false;
  let resizing = false;
  let left = false;
  for (let id = 0; id < SERVICES_MAX; id++) {
    const flags = pending[id];
    if (flags == 0) continue;
    if (!serviceUsed[id]) { pending[id] = 0; continue; }
    if (!isAtRest(id)) { left = true; resizing = resizing || (flags & (PENDING_RESIZE | PENDING_START)) != 0; continue; }
    if ((flags & (PENDING_REMOVE | PENDING_RESIZE)) == 0) { left = true; continue; }
    if ((flags & PENDING_REMOVE) != 0) {
      if (dependentCount[id] > 0) { left = true; continue; }
      unregister(id);
      progress = true;
      continue;
    }
    if (serviceResize(id, pendingCount[id]) < 0) { left = true; resizing = true; continue; } // waits for slots
    reweigh(id);
    pending[id] &= ~PENDING_RESIZE;
    left = true;
    progress = true;
  }
  if (!resizing) {
    for (let id = 0; id < SERVICES_MAX; id++) {
      if (pending[id] != PENDING_START) continue;
      pending[id] = 0; // one pulled up by an earlier start here is already on its way, change applied
      if (isAtRest(id)) requestStart(id);
      progress = true;
    }
  }
  pendingAny = left;
  return progress;
}

export function manifestReset(): void {
  if (WITH_MANIFEST_RELOAD) fillAll(pending, 0);
  pendingAny = false;
  revision = 0;
}
