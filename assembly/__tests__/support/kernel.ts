// Spec helpers: drive the kernel through its exported ABI the way a host does (names through the
// I/O buffer, actions drained and answered), and read its outputs back as plain values.
import {
  ioBuffer, serviceRegister, serviceLookup, serviceName, errorDetail, actionsDrain, instanceStarted, instanceExited,
  eventsRead, reset,
} from "../../index";
import { ACTION_SPAWN, ACTION_STOP, ACTION_KILL, ACTION_RECORD_BYTES } from "../../log/outbox";
import { EVENT_RECORD_BYTES } from "../../log/events";
import { setNowMs } from "./hal";
import { SERVICES_MAX } from "../../limits";
import { serviceUsed, serviceState } from "../../registry/services";
import { firstDependency, edgeNextOut, edgeKind, edgeTo, NO_EDGE, DEP_REQUIRES } from "../../graph/edges";
import { STATE_RUNNING } from "../../registry/states";

/** A fresh kernel and a clock at 0. */
export function freshKernel(): void {
  setNowMs(0);
  reset();
}

/** Writes ASCII `text` to the I/O buffer; returns its length. */
export function put(text: string): i32 {
  const ptr = ioBuffer();
  for (let i = 0; i < text.length; i++) store<u8>(ptr + <usize>i, <u8>text.charCodeAt(i));
  return text.length;
}

/** Writes raw bytes to the I/O buffer; returns their length. */
export function putBytes(bytes: u8[]): i32 {
  const ptr = ioBuffer();
  for (let i = 0; i < bytes.length; i++) store<u8>(ptr + <usize>i, bytes[i]);
  return bytes.length;
}

/** The first `length` bytes of the I/O buffer as text. */
export function readIo(length: i32): string {
  return String.UTF8.decodeUnsafe(ioBuffer(), <usize>length);
}

/** `count` copies of `c`. */
export function repeat(c: string, count: i32): string {
  let s = "";
  for (let i = 0; i < count; i++) s += c;
  return s;
}

export function register(name: string, instances: i32 = 1, type: i32 = 1): i32 {
  return serviceRegister(put(name), type, instances);
}

/** Registers `name`, failing the spec if the kernel refuses it. */
export function mustRegister(name: string, instances: i32 = 1): i32 {
  const id = register(name, instances);
  assert(id >= 0, "registration of a spec's service failed");
  return id;
}

export function lookup(name: string): i32 { return serviceLookup(put(name)); }

export function nameOf(id: i32): string {
  const length = serviceName(id);
  return length < 0 ? "?" : readIo(length);
}

/** The detail of the last failed call. */
export function detailText(): string { return readIo(errorDetail()); }

export class Action {
  constructor(public kind: u8, public service: i32, public handle: i32, public arg: i32) {}
}

/** Drains the outbox (copied out of the I/O buffer before anything else can overwrite it). */
export function drain(): Action[] {
  const count = actionsDrain();
  const actions = new Array<Action>();
  const ptr = ioBuffer();
  for (let i = 0; i < count; i++) {
    const at = ptr + <usize>(i * ACTION_RECORD_BYTES);
    actions.push(new Action(load<u8>(at), load<i32>(at, 4), load<i32>(at, 8), load<i32>(at, 12)));
  }
  return actions;
}

export function kindName(kind: u8): string {
  if (kind == ACTION_SPAWN) return "spawn";
  if (kind == ACTION_STOP) return "stop";
  if (kind == ACTION_KILL) return "kill";
  return "action" + kind.toString();
}

/**
 * "spawn a, spawn b". A batch is described sorted, so specs state which actions come together
 * without pinning their order inside the batch (the determinism spec compares raw order).
 */
export function describeActions(actions: Action[], sorted: bool = true): string {
  const parts = new Array<string>();
  for (let i = 0; i < actions.length; i++) parts.push(kindName(actions[i].kind) + " " + nameOf(actions[i].service));
  if (sorted) parts.sort();
  return parts.join(", ");
}

/** Drains one batch of actions and describes it, without answering any. */
export function drainText(): string { return describeActions(drain()); }

/**
 * Plays a well-behaved host for one batch: every spawned instance reports started, every stop
 * is answered with a clean exit, a kill needs no answer. Returns the batch described.
 */
export function answerBatch(sorted: bool = true): string {
  const actions = drain();
  const text = describeActions(actions, sorted);
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i];
    let status = 0;
    if (action.kind == ACTION_SPAWN) status = instanceStarted(action.handle);
    else if (action.kind == ACTION_STOP) status = instanceExited(action.handle, 0);
    assert(status == 0, "the kernel refused a well-behaved host's answer");
    assert(requiresInvariantHolds(), "a service runs while a service it requires does not");
  }
  return text;
}

/** No service runs while a service it requires is not running (checked after every answer). */
export function requiresInvariantHolds(): bool {
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!serviceUsed[id] || serviceState[id] != STATE_RUNNING) continue;
    for (let e = firstDependency[id]; e != NO_EDGE; e = edgeNextOut[e]) {
      if (edgeKind[e] == DEP_REQUIRES && serviceState[edgeTo[e]] != STATE_RUNNING) return false;
    }
  }
  return true;
}

/** Answers batches until the outbox stays empty; returns the batches, " | " between them. */
export function answerAll(sorted: bool = true): string {
  let s = "";
  for (let round = 0; round < 64; round++) {
    const batch = answerBatch(sorted);
    if (batch.length == 0) return s;
    if (s.length > 0) s += " | ";
    s += batch;
  }
  assert(false, "the kernel kept producing actions");
  return s;
}

export class EventRecord {
  constructor(
    public timeMs: i64, public seq: u32, public kind: u8, public from: u8, public to: u8, public cause: u8,
    public service: i32, public instance: i32, public value: i32,
  ) {}
}

/** Event records from `fromSeq` on (as many as one read returns). */
export function readEvents(fromSeq: u32): EventRecord[] {
  const count = eventsRead(fromSeq);
  const events = new Array<EventRecord>();
  const ptr = ioBuffer();
  for (let i = 0; i < count; i++) {
    const at = ptr + <usize>(i * EVENT_RECORD_BYTES);
    events.push(new EventRecord(
      load<i64>(at), load<u32>(at, 8), load<u8>(at, 12), load<u8>(at, 13), load<u8>(at, 14), load<u8>(at, 15),
      load<i32>(at, 16), load<i32>(at, 20), load<i32>(at, 24),
    ));
  }
  return events;
}

/** Every retained event record from `fromSeq` on (one read returns at most a buffer's worth). */
export function readAllEvents(fromSeq: u32): EventRecord[] {
  const all = new Array<EventRecord>();
  let seq = fromSeq;
  let batch = readEvents(seq);
  while (batch.length > 0) {
    for (let i = 0; i < batch.length; i++) all.push(batch[i]);
    seq = batch[batch.length - 1].seq + 1;
    batch = readEvents(seq);
  }
  return all;
}
