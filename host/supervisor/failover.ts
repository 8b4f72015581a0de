// Failover on a Linux host: the kernel's recovery starts a service's backup and emits a
// `failover` action (service, backup). The host moves the service's traffic: its gateway sends
// every request to the backup's pool, and what spawns meanwhile gets the backup's addresses in
// {DEP}_ADDR. The traffic comes back when the kernel reports an instance of the service running
// again (a restart strategy after the failover brought it back); a service that stays down
// leaves its traffic on the backup. "Again" is read in the event log's order: the driver hands
// out a round's actions before its events, so a running event logged before the failover's own
// recovery record (same round) does not count.
import type { Gateway, Addresses } from "../gateway/gateway.ts";
import type { MessageLevel } from "../executors/process.ts";
import type { KernelEvent } from "../kernel/abi.ts";
import { recoveryOf } from "../kernel/recovery.ts";

export interface FailoverOptions {
  gateways: Map<string, Gateway>;
  addressesOf(service: string): Addresses;
  note(level: MessageLevel, text: string, service: string): void;
}

export class Failover {
  /** Services failed over: the backup that takes their traffic, and whether the log has reached the failover. */
  private readonly backups = new Map<string, { backup: string; logged: boolean }>();

  constructor(private readonly options: FailoverOptions) {}

  /** The backup taking `service`'s traffic now, if it is failed over. */
  backupOf(service: string): string | undefined { return this.backups.get(service)?.backup; }

  /** Executes a failover action: `service`'s traffic goes to `backup`. */
  to(service: string, backup: string): void {
    this.backups.set(service, { backup, logged: false });
    const gateway = this.options.gateways.get(service);
    gateway?.routeTo({ service: backup, addresses: this.options.addressesOf(backup) });
    const where = gateway ? `gateway ${gateway.address} and ` : "";
    this.options.note("warn", `${service}: failover: ${where}new {DEP}_ADDR go to ${backup} until ${service} runs again`, service);
  }

  /** Every kernel event, in log order: the failover's record, then a run of the service brings its traffic back. */
  observe(event: KernelEvent): void {
    const failed = this.backups.get(event.serviceName);
    if (!failed) return;
    if (recoveryOf(event)?.step === "failover") failed.logged = true;
    else if (failed.logged && (event.kind === "service-state" || event.kind === "instance-state") && event.to === "running") {
      this.backups.delete(event.serviceName);
      this.options.gateways.get(event.serviceName)?.routeTo(null);
      this.options.note("info", `${event.serviceName}: runs again; its traffic is back from ${failed.backup}`, event.serviceName);
    }
  }
}
