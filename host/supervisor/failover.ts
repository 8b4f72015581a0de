// Failover on a Linux host: the kernel's recovery starts a service's backup and emits a
// `failover` action (service, backup). The host moves the service's traffic: its gateway sends
// every request to the backup's pool, and what spawns meanwhile gets the backup's addresses in
// {DEP}_ADDR. The traffic comes back when the kernel reports an instance of the service running
// again (a restart strategy after the failover brought it back); a service that stays down
// leaves its traffic on the backup.
import type { Gateway, Addresses } from "../gateway/gateway.ts";
import type { MessageLevel } from "../executors/process.ts";

export interface FailoverOptions {
  gateways: Map<string, Gateway>;
  addressesOf(service: string): Addresses;
  note(level: MessageLevel, text: string, service: string): void;
}

export class Failover {
  /** Services failed over, and the backup that takes their traffic. */
  private readonly backups = new Map<string, string>();

  constructor(private readonly options: FailoverOptions) {}

  /** The backup taking `service`'s traffic now, if it is failed over. */
  backupOf(service: string): string | undefined { return this.backups.get(service); }

  /** Executes a failover action: `service`'s traffic goes to `backup`. */
  to(service: string, backup: string): void {
    this.backups.set(service, backup);
    const gateway = this.options.gateways.get(service);
    gateway?.routeTo({ service: backup, addresses: this.options.addressesOf(backup) });
    const where = gateway ? `gateway ${gateway.address} and ` : "";
    this.options.note("warn", `${service}: failover: ${where}new {DEP}_ADDR go to ${backup} until ${service} runs again`, service);
  }

  /** An instance of `service` runs again: its traffic comes back from the backup. */
  back(service: string): void {
    const backup = this.backups.get(service);
    if (backup === undefined) return;
    this.backups.delete(service);
    this.options.gateways.get(service)?.routeTo(null);
    this.options.note("info", `${service}: runs again; its traffic is back from ${backup}`, service);
  }
}
