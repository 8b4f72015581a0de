// Typed wrapper over the kernel's access control (assembly/security/): principals with a role or
// a capability set, and the one decision every control command goes through. The kernel decides
// and audits (an `audit` event per change, allowed or denied, and per denial); this only encodes.
// Not in the mcu profile (its exports answer an error, so nothing is ever waved through).
import type { Kernel, ServiceRef } from "./kernel.ts";
import { CAUSES, type KernelEvent } from "./abi.ts";

export const ROLES = ["viewer", "operator", "admin", "custom"] as const;
export type Role = (typeof ROLES)[number];

/** The control commands, in the kernel's numbers (assembly/security/roles.ts). */
export const CONTROL_COMMANDS = [
  "status", "logs", "metrics", "start", "stop", "restart", "reload", "rollout", "silence",
  "secrets", "upgrade", "fleet-move", "roles", "audit",
] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

export const CAPABILITIES = ["view", "operate", "system", "secrets", "upgrade", "fleet", "roles", "audit"] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What one audit event of the kernel says, decoded. */
export interface AuditDecision {
  seq: number;
  timeMs: number;
  /** The calling principal's id, or -1 for an unidentified caller. */
  principal: number;
  role: Role | "none";
  command: ControlCommand | `command ${number}`;
  /** The service's id, or -1 (for `roles`: the principal whose role changed). */
  subject: number;
  allowed: boolean;
  /** 0, or the refusal's error code. */
  code: number;
}

export function capabilitiesOf(set: number): Capability[] { return CAPABILITIES.filter((_, bit) => (set & (1 << bit)) !== 0); }

export function capabilitySet(capabilities: readonly Capability[]): number {
  return capabilities.reduce((set, c) => set | (1 << CAPABILITIES.indexOf(c)), 0);
}

/** The audit decision in a kernel event, or undefined when the event is not an audit record. */
export function auditDecision(event: KernelEvent): AuditDecision | undefined {
  if (event.kind !== "audit") return undefined;
  return {
    seq: event.seq, timeMs: event.timeMs, principal: event.instance,
    // The role travels in the cause byte (255: none); the decoder read it as a cause name.
    role: ROLES[CAUSES.indexOf(event.cause)] ?? "none",
    command: CONTROL_COMMANDS[event.fromCode] ?? `command ${event.fromCode}`,
    subject: event.service, allowed: event.toCode === 0, code: event.value,
  };
}

export class AccessControl {
  private readonly names = new Map<number, string>();

  constructor(readonly kernel: Kernel) {}

  private check(status: number): number { return this.kernel.check(status); }

  /** Registers a principal (the host's bootstrap); its id. */
  addPrincipal(name: string, role: Role, capabilities: readonly Capability[] = []): number {
    const id = this.check(this.kernel.exports.principalRegister(this.kernel.put(name), ROLES.indexOf(role), capabilitySet(capabilities)));
    this.names.set(id, name);
    return id;
  }

  principal(name: string): number { return this.check(this.kernel.exports.principalFind(this.kernel.put(name))); }

  principalName(id: number): string { return this.names.get(id) ?? (id < 0 ? "(unidentified)" : `#${id}`); }

  role(principal: number): Role { return ROLES[this.check(this.kernel.exports.principalRead(principal, 0))]; }

  capabilities(principal: number): Capability[] { return capabilitiesOf(this.check(this.kernel.exports.principalRead(principal, 1))); }

  /** `actor` gives `principal` a role (custom: the capabilities); throws the kernel's refusal. */
  grant(actor: number, principal: number, role: Role, capabilities: readonly Capability[] = []): void {
    this.check(this.kernel.exports.principalGrant(actor, principal, ROLES.indexOf(role), capabilitySet(capabilities)));
  }

  /** Throws the kernel's E_ACCESS_DENIED (naming principal, command and service) unless allowed. */
  authorise(principal: number, command: ControlCommand, service?: ServiceRef): void {
    const id = service === undefined ? -1 : this.kernel.id(service);
    this.check(this.kernel.exports.authorise(principal, CONTROL_COMMANDS.indexOf(command), id));
  }

  /** Whether the kernel allows it (the decision is audited all the same). */
  allows(principal: number, command: ControlCommand, service?: ServiceRef): boolean {
    const id = service === undefined ? -1 : this.kernel.id(service);
    return this.kernel.exports.authorise(principal, CONTROL_COMMANDS.indexOf(command), id) === 0;
  }
}
