// Where a gateway's traffic goes: the service whose instances answer (the gateway's own, or the
// backup it was failed over to), the kernel's pick for one request or connection, the
// instance's address for the picked handle, and the outcome reported back. The kernel decides
// (strategy, breakers, ejection); this file only asks and tells.
import type { Kernel } from "../kernel/kernel.ts";
import { OUTCOMES, type Balancer, type Outcome } from "../kernel/balance.ts";
import { MycoError } from "../kernel/errors.ts";
import { splitAddress } from "../supervisor/host-manifest.ts";

/** The instances' addresses by ordinal ("127.0.0.1:7101"). */
export type Addresses = { ordinal: number; address: string }[];

/** A run of an instance (its handle) and where it listens. */
export interface Target {
  handle: number;
  ordinal: number;
  /** The ordinal as text, for the X-Myco-Instance header. */
  label: string;
  host: string;
  port: number;
  /** "host:port": the key of its connection pool. */
  origin: string;
}

export type Keyed = "ip" | "header" | "path" | null;

export class Upstream {
  readonly id: number;
  readonly keyed: Keyed;
  /** By handle: cached until the handle goes stale (a new run of the instance). */
  private readonly targets = new Map<number, Target>();

  constructor(
    private readonly kernel: Kernel,
    private readonly balancer: Balancer,
    readonly service: string,
    readonly addresses: Addresses,
    hash: { header: string } | { path: true } | undefined,
    perConnection: boolean,
  ) {
    this.id = kernel.id(service);
    const strategy = balancer.serviceStats(this.id).strategy;
    this.keyed = strategy === "ip-hash" || (strategy === "consistent-hash" && perConnection) ? "ip"
      : strategy === "consistent-hash" ? (hash && "header" in hash ? "header" : "path")
      : null;
  }

  /** The kernel's pick for a request from `client` (key: the header's value or the path when hashed). Throws MycoError. */
  pick(client: string, header: string | string[] | undefined, url: string): number {
    switch (this.keyed) {
      case null: return this.balancer.pick(this.id);
      case "ip": return this.balancer.pickAddress(this.id, client);
      case "header": return this.balancer.pickBytes(this.id, Array.isArray(header) ? header.join(",") : header ?? "");
      case "path": {
        const q = url.indexOf("?");
        return this.balancer.pickBytes(this.id, q < 0 ? url : url.slice(0, q));
      }
    }
  }

  /** The address of the picked instance, or undefined when it has none. */
  target(handle: number): Target | undefined {
    const cached = this.targets.get(handle);
    if (cached) return cached;
    // A new run of an instance (a new handle): look its ordinal up once, drop stale entries.
    const handles = this.kernel.instances(this.id);
    const ordinal = handles.indexOf(handle);
    if (ordinal < 0) return undefined;
    const address = splitAddress(this.addresses.find((a) => a.ordinal === ordinal)?.address ?? "");
    if (!address) return undefined;
    for (const known of this.targets.keys()) if (!handles.includes(known)) this.targets.delete(known);
    const target = { handle, ordinal, label: String(ordinal), host: address.host, port: address.port, origin: `${address.host}:${address.port}` };
    this.targets.set(handle, target);
    return target;
  }

  /** Reports a request's or connection's end; true when it may have changed the kernel's timers (a failure). */
  report(handle: number, latencyMs: number, outcome: Outcome): boolean {
    try {
      this.balancer.report(handle, latencyMs, OUTCOMES[outcome]);
    } catch (error) {
      // A stale handle: the instance was restarted while the request was out. Nothing to count.
      if (!(error instanceof MycoError)) throw error;
    }
    return outcome === "failure";
  }
}

/** The client's address, with IPv4-mapped IPv6 ("::ffff:127.0.0.1") as plain IPv4. */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return "0.0.0.0";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
