// Typed wrapper over the kernel's plans of moves and node promotion (assembly/placement/plan.ts,
// promote.ts): planning rounds, the executor's reports, manual moves, capacity shrinks, health
// samples and promotion. The kernel decides which instances move where and why; this encodes.
import type { Kernel } from "./kernel.ts";
import type { Action, KernelEvent } from "./abi.ts";
import { type Fleet, MIGRATIONS, RESOURCES, type Migration, type Resource } from "./placement.ts";

/** Why an instance moves (the kernel's TRIGGER_* order). */
export const TRIGGERS = ["death", "drain", "shrink", "rule", "health", "manual", "rebalance"] as const;
export type Trigger = (typeof TRIGGERS)[number];
export const MOVE_STATES = ["none", "planned", "started"] as const;
export type MoveState = (typeof MOVE_STATES)[number];
/** What a `plan` event says (its fromCode). */
export const PLAN_EVENTS = ["planned", "started", "done", "failed", "promotable", "promoted", "requested", "health-drain", "retargeted", "gave-up"] as const;
export type PlanEventKind = (typeof PLAN_EVENTS)[number];
export const MOVE_OUTCOMES = { started: 0, done: 1, failed: 2 } as const;

const NONE = 0xffff;
/** The flag in planMove field 7 of a given-up move (the failure count below it). */
const GAVE_UP = 0x80;

/** An ACTION_MOVE decoded: the instance of assignment slot `slot` goes to node `to` by `strategy`. */
export interface Move { slot: number; service: string; to: number; strategy: Migration; trigger: Trigger }

export interface MoveView {
  state: MoveState; from: number | undefined; to: number | undefined; strategy: Migration; batch: number; ms: number; trigger: Trigger | undefined;
  /** Consecutive failed starts on the target (the kernel excludes it at its retry limit), and whether the move was given up. */
  failures: number; gaveUp: boolean;
  /** Targets the kernel excluded for this instance after failed moves (until they rejoin): how many, and their node ids. */
  excluded: number; excludedNodes: number[];
}

export interface PlanSize { needed: number; planned: number; started: number; rounds: number }

export interface PlanSettings { healthThreshold: number; healthDurationMs: number; promoteAfterMs: number }

/** The move an action carries, or undefined for another kind. */
export function moveOf(action: Action): Move | undefined {
  if (action.kind !== "move") return undefined;
  return {
    slot: action.instance, service: action.serviceName, to: action.arg & 0xffff,
    strategy: MIGRATIONS[(action.arg >>> 16) & 0xff], trigger: TRIGGERS[(action.arg >>> 24) & 0xff],
  };
}

/** A plan event's meaning, or undefined for another kind. */
export function planEventOf(event: KernelEvent): { what: PlanEventKind; slot: number; node: number; value: number } | undefined {
  if (event.kind !== "plan") return undefined;
  return { what: PLAN_EVENTS[event.fromCode], slot: event.instance, node: event.instance, value: event.value };
}

export class Plans {
  constructor(readonly kernel: Kernel, readonly fleet: Fleet) {}

  private check(status: number | bigint): number { return this.kernel.check(Number(status)); }

  /** One planning round: the moves it emitted are ACTION_MOVE records in the outbox (decode with moveOf). Returns how many. */
  round(): number { return this.check(this.kernel.exports.planRound()); }

  /** The executor's report on a move. */
  report(slot: number, outcome: keyof typeof MOVE_OUTCOMES): void { this.check(this.kernel.exports.planMoveReport(slot, MOVE_OUTCOMES[outcome])); }

  /** A manual move with its requester (a principal id) and reason code (1..255), audited as a plan event. */
  request(slot: number, node: string | number, requester: number, reason: number): void {
    this.check(this.kernel.exports.planMoveRequest(slot, this.fleet.node(node), requester, reason));
  }

  /** Shrinks a node's capacity, moving the fewest instances off it first; returns how many wait for a node. */
  shrink(node: string | number, resource: Resource, amount: number): number {
    return this.check(this.kernel.exports.planShrink(this.fleet.node(node), RESOURCES.indexOf(resource), BigInt(amount)));
  }

  settings(s: PlanSettings): void {
    this.check(this.kernel.exports.planSettings(s.healthThreshold, BigInt(s.healthDurationMs), BigInt(s.promoteAfterMs)));
  }

  size(): PlanSize {
    const f = (field: number) => this.check(this.kernel.exports.planSize(field));
    return { needed: f(0), planned: f(1), started: f(2), rounds: f(3) };
  }

  /** The move of an assignment slot (state none: the instance runs where it is wanted, or waits). */
  move(slot: number): MoveView {
    const f = (field: number) => this.check(this.kernel.exports.planMove(slot, field));
    const from = f(1), to = f(2), trigger = f(6), failures = f(7);
    return {
      state: MOVE_STATES[f(0)], from: from === NONE ? undefined : from, to: to === NONE ? undefined : to,
      strategy: MIGRATIONS[f(3)], batch: f(4), ms: f(5), trigger: TRIGGERS[trigger],
      failures: failures & ~GAVE_UP, gaveUp: (failures & GAVE_UP) !== 0, excluded: f(8),
      excludedNodes: [f(9), f(10)].filter((n) => n !== NONE),
    };
  }

  /** A node's health sample (0..100); true when it drained the node. */
  health(node: string | number, percent: number): boolean { return this.check(this.kernel.exports.nodeHealthSample(this.fleet.node(node), percent)) === 1; }

  promotable(node: string | number): boolean { return this.check(this.kernel.exports.nodeHealthField(this.fleet.node(node), 0)) === 1; }

  /** Promotes a promotable rhizomorph to sclerotia (refused, with the reason, otherwise). */
  promote(node: string | number): void { this.check(this.kernel.exports.nodePromote(this.fleet.node(node))); }
}
