// How a service's configuration reaches its processes on a Linux host, and how a change reaches
// a process that is already running (docs/configuration.md, "Delivery to a process"):
//
//   at every spawn     the service's keys, read from the kernel, are written to
//                      <run dir>/<service>.json ({"key": "value", ...}; values in the kernel's
//                      text form) and the instance gets its path in $MYCO_CONFIG
//   config-changed     a hot key changed (a manifest reload): the file is rewritten and every
//   config-reload      started instance of the service gets SIGHUP, as systemd's
//                      `ExecReload=/bin/kill -HUP $MAINPID` does; the same process re-reads
//                      the file (a recovery strategy asks for the same without a change)
//
// The file is replaced atomically (written beside, then renamed), so a reader never sees half
// of it. The run directory is private (0700, the files 0600): secrets are in it in clear, as
// they would be in the process's environment. It is removed when the supervisor shuts down.
import { mkdtempSync, writeFileSync, renameSync, rmSync, chmodSync } from "node:fs";
import { join } from "node:path";
import type { Kernel } from "../kernel/kernel.ts";
import { KernelManifest } from "../kernel/manifest.ts";
import { REDACTED } from "../manifest/types.ts";

/** The variable that names an instance's configuration file. */
export const CONFIG_VARIABLE = "MYCO_CONFIG";
/** The reload signal (systemd's ExecReload=/bin/kill -HUP $MAINPID; nginx, sshd, haproxy). */
export const RELOAD_SIGNAL: NodeJS.Signals = "SIGHUP";

export interface ConfigFilesOptions {
  /** Where the private run directory is created (the runtime directory). */
  parent(): string;
  /** Sends the reload signal to the service's started instances; their pids. */
  signal(service: string, signal: NodeJS.Signals): number[];
  /** Whether the service still exists (a reload due for a removed one is moot). */
  exists(service: string): boolean;
  /** Says what was done (the supervisor's messages). */
  note(service: string, text: string): void;
}

export class ConfigFiles {
  private readonly manifest: KernelManifest;
  private dir: string | undefined;
  /** Services whose file is rewritten and instances signalled on the next turn, and why. */
  private readonly due = new Map<string, string[]>();

  constructor(kernel: Kernel, private readonly options: ConfigFilesOptions) {
    this.manifest = new KernelManifest(kernel);
  }

  /**
   * The service's configuration changed (`why`) or must be reloaded: on the next turn of the
   * event loop the file is rewritten and its instances signalled, once however many keys changed.
   */
  reload(service: string, why: string): void {
    if (this.due.size === 0) setImmediate(() => this.flush());
    const reasons = this.due.get(service) ?? [];
    if (!reasons.includes(why)) reasons.push(why);
    this.due.set(service, reasons);
  }

  /** The name of the service's key `ordinal` (a config-changed action's argument). */
  keyAt(service: string, ordinal: number): string { return this.manifest.keys(service)[ordinal] ?? `#${ordinal}`; }

  /** The file of `service` (whether or not it was written yet). */
  path(service: string): string { return join(this.directory(), `${service}.json`); }

  /** The service's configuration as the kernel holds it now (secrets in clear). */
  values(service: string): Record<string, string> {
    const values: Record<string, string> = {};
    for (const key of this.manifest.keys(service)) {
      const value = this.manifest.get(service, key);
      if (value === undefined) continue; // no value from any source, and none required
      values[key] = value === REDACTED ? this.manifest.revealSecret(service, key) : value;
    }
    return values;
  }

  /** Writes the service's file from the kernel; its path, or undefined when it has no keys. */
  write(service: string): string | undefined {
    if (this.manifest.keys(service).length === 0) return undefined;
    const path = this.path(service);
    const next = `${path}.next`;
    writeFileSync(next, `${JSON.stringify(this.values(service), null, 2)}\n`, { mode: 0o600 });
    renameSync(next, path);
    return path;
  }

  /** Removes the run directory and every file in it (nothing is reloaded after this). */
  remove(): void {
    this.due.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private flush(): void {
    for (const [service, reasons] of this.due) {
      if (!this.options.exists(service)) continue;
      const file = this.write(service);
      const pids = this.options.signal(service, RELOAD_SIGNAL);
      const sent = pids.length ? `${RELOAD_SIGNAL} to pid ${pids.join(", ")}` : "no instance is running";
      this.options.note(service, `${service}: configuration ${reasons.join(", ")}: ${file ?? "no keys"}; ${sent}`);
    }
    this.due.clear();
  }

  private directory(): string {
    if (!this.dir) {
      this.dir = mkdtempSync(join(this.options.parent(), "run-"));
      chmodSync(this.dir, 0o700);
    }
    return this.dir;
  }
}
