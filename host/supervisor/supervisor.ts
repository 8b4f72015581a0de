// The supervisor: one kernel on the real clock (RealHal), driven by the Node event loop
// (driver.ts), with real processes (ProcessExecutor), real checks (host/checks/), one gateway
// per service that asks for one, and a stream of messages for whoever shows them. What it adds
// to the parts: it loads (and reloads) the manifest, applies the host-side configuration,
// executes each action the kernel emits and reports results back, and shuts down in reverse
// dependency order (the kernel's stopAll, bounded by its stop timeouts). It decides nothing the
// kernel decides: when to start, restart, stop or kill, which weights and checks apply, what a
// fault leads to.
//
//   spawn, stop, kill  the process executor
//   run-check          the check runners; the outcome goes back (checkReport)
//   config-changed     the service's config file is rewritten and its running instances get
//   config-reload      SIGHUP (config-files.ts): the same process reloads
//   failover           the service's traffic goes to the backup the kernel names (its gateway,
//                      and {DEP}_ADDR of what spawns meanwhile) until the service runs again
//   reboot-request     reported: a Node host does not reboot the machine
import { Kernel } from "../kernel/kernel.ts";
import type { Action, KernelEvent } from "../kernel/abi.ts";
import type { Profile } from "../kernel/module.ts";
import { RealHal } from "../hal/real.ts";
import { KernelManifest } from "../kernel/manifest.ts";
import { HealthMonitor, alertOf } from "../kernel/health.ts";
import { Balancer } from "../kernel/balance.ts";
import { Rollouts, type RolloutStatus, type RevisionEntry } from "../kernel/rollout.ts";
import { faultOf, recoveryOf, FAULT_PATTERNS } from "../kernel/recovery.ts";
import { MycoError } from "../kernel/errors.ts";
import { encodeManifest } from "../manifest/blob.ts";
import { reportHostIdentity } from "./root-rule.ts";
import type { Service } from "../manifest/types.ts";
import type { ParseOptions } from "../manifest/parse.ts";
import { ProcessExecutor, type MessageLevel } from "../executors/process.ts";
import type { LogRingOptions } from "../executors/log-ring.ts";
import { runCheck, describeCheck, type CheckResult } from "../checks/index.ts";
import { Driver } from "./driver.ts";
import { configureService, type CheckPlan } from "./configure.ts";
import type { HostManifest, RunSpec } from "./host-manifest.ts";
import { rereadHostManifest } from "./reload.ts";
import { ConfigFiles } from "./config-files.ts";
import { processSpecOf, environmentOf, type SpawnContext } from "./spawn.ts";
import { Failover } from "./failover.ts";
import { join } from "node:path";
import { runtimeDir } from "./runtime-dir.ts";
import { SecretStore } from "./secret-store.ts";
import { Notifier } from "../alerts/notifier.ts";
import { Gateway, type GatewayRequest, type Addresses } from "../gateway/gateway.ts";
import { ResourceEnforcer, type EnforcerOptions } from "../resources/enforcer.ts";
import { Scaler } from "../resources/scaler.ts";

/** What `myco rollout` may ask of a service's update, and what it is answered. */
export type RolloutAction = "status" | "history" | "undo" | "pause" | "resume" | "promote";
export interface RolloutView {
  status: RolloutStatus; history: RevisionEntry[]; revisions: number[];
  /** The `update: error-rate` verdict's settings (the kernel's, defaults filled in). */
  errorRate: { thresholdPercent: number; windowMs: number; minRequests: number };
}

export interface SupervisorMessage {
  timeMs: number;
  level: MessageLevel;
  service?: string;
  text: string;
}

export interface SupervisorOptions {
  profile?: Profile;
  /** Per-instance log rings. */
  log?: LogRingOptions;
  /** Start the gateways the manifest asks for (default true). */
  gateways?: boolean;
  /** Gateway ports override (service -> port), e.g. 0 for any free port in tests. */
  gatewayPorts?: Record<string, number>;
  /** How the manifest was parsed (config sources, templates): a reload parses it the same way. */
  parse?: ParseOptions;
  /** Where the private run directory with the services' config files goes (default: the runtime directory). */
  runtimeDir?: string;
  /** The encrypted secret store for `run.env` secrets (default: secrets.json beside the manifest; key: MYCO_SECRET_KEY or `<store>.key`). */
  secrets?: { store?: string; keyFile?: string };
  /** Scaling metric report period (default 1000 ms; host/resources/scaler.ts). */
  scaleReportMs?: number;
  /** Resource enforcement (host/resources/enforcer.ts): mode, sampling interval, capacity overrides. */
  resources?: Pick<EnforcerOptions, "mode" | "sampleMs" | "capacity">;
}

export interface CheckCompletion {
  service: string;
  ordinal: number;
  handle: number;
  kind: string;
  result: CheckResult;
}

export class Supervisor {
  readonly hal = new RealHal();
  readonly kernel: Kernel;
  readonly driver: Driver;
  readonly executor: ProcessExecutor;
  readonly health: HealthMonitor;
  readonly balancer: Balancer;
  /** Revisions and update strategies (assembly/rollout/). */
  readonly rollouts: Rollouts;
  /** The run specs by digest (RUN, tag 0x8A): an instance spawns with its revision's (the kernel says which). */
  private readonly runsByDigest = new Map<number, RunSpec>();
  readonly manifestApi: KernelManifest;
  readonly gateways = new Map<string, Gateway>();
  private secrets: SecretStore | undefined;
  readonly configFiles: ConfigFiles;
  readonly enforcer: ResourceEnforcer;
  /** Demand-driven scaling: reports each scaling service's metric; the kernel resizes. */
  readonly scaler: Scaler;
  private services: Map<string, Service>;
  private readonly checks = new Map<number, CheckPlan>();
  /** Kernel checks the host made for a `run.check` (the manifest's own are the kernel's), with that run.check. */
  private readonly hostChecks = new Map<number, string>();
  private readonly checkFailing = new Set<string>();
  readonly failover: Failover;
  /** Alert notification: the kernel's notify actions delivered (host/alerts/). */
  readonly notifier: Notifier;
  private readonly messageListeners: ((message: SupervisorMessage) => void)[] = [];
  private readonly checkListeners: ((completion: CheckCompletion) => void)[] = [];
  private readonly restartListeners: ((service: string) => void)[] = [];
  private readonly requestListeners: ((request: GatewayRequest) => void)[] = [];
  readonly restarts = new Map<string, number>();
  readonly startedAt = Date.now();
  private shuttingDown: Promise<void> | undefined;
  /** The host exits without a shutdown: no process left behind, no config file (secrets) either. */
  private readonly exitGuard = () => {
    this.executor.killAll();
    this.configFiles.remove();
    this.enforcer.stop();
    this.scaler.stop();
  };

  constructor(public hostManifest: HostManifest, private readonly options: SupervisorOptions = {}) {
    this.kernel = new Kernel({ hal: this.hal, profile: options.profile ?? "release" });
    reportHostIdentity(this.kernel);
    this.driver = new Driver(this.kernel, this.hal);
    this.health = new HealthMonitor(this.kernel);
    this.balancer = new Balancer(this.kernel);
    this.manifestApi = new KernelManifest(this.kernel);
    this.services = new Map(hostManifest.manifest.services.map((s) => [s.name, s]));
    this.configFiles = new ConfigFiles(this.kernel, {
      parent: () => options.runtimeDir ?? runtimeDir(),
      signal: (service, signal) => this.executor.signalService(service, signal),
      exists: (service) => this.services.has(service),
      note: (service, text) => this.note("info", text, service),
    });
    this.failover = new Failover({
      gateways: this.gateways, addressesOf: (service) => this.addressesOf(service), note: (level, text, service) => this.note(level, text, service),
    });
    this.notifier = new Notifier(this.kernel, {
      call: (work) => this.driver.call(work), note: (level, text, service) => this.note(level, text, service), manifest: () => this.hostManifest.file,
    });
    this.rollouts = new Rollouts(this.kernel);
    this.enforcer = new ResourceEnforcer({
      kernel: this.kernel, call: (work) => this.driver.call(work), pidOf: (handle) => this.executor.pid(handle), ...options.resources,
    });
    this.scaler = new Scaler({
      kernel: this.kernel, resources: this.enforcer.resources, call: (work) => this.driver.call(work), pidOf: (handle) => this.executor.pid(handle),
      inFlight: (service) => this.gateways.get(service)?.stats.active, reportMs: options.scaleReportMs,
      changed: (service, from, to) => this.note("info", `${service}: scaling ${from} -> ${to} instances (the kernel's decision)`, service),
    });
    this.requestListeners.push((request) => this.scaler.observe(request.service, request.latencyMs));
    this.executor = new ProcessExecutor({
      spec: (service, ordinal) => processSpecOf(this.spawnContextOf(service, ordinal), service, ordinal),
      environment: (action) => environmentOf(this.spawnContext(), action),
      prefix: (service, ordinal) => this.enforcer.prefix(service, ordinal),
      reports: {
        started: (handle) => this.driver.call(() => ignoreStale(() => this.kernel.instanceStarted(handle))),
        exited: (handle, status) => this.driver.call(() => ignoreStale(() => this.kernel.instanceExited(handle, status))),
      },
      log: options.log,
    });
    this.executor.onMessage((m) => this.note(m.level, m.text, m.service));
    this.driver.onAction((action) => this.dispatch(action));
    this.driver.onEvent((event) => this.observe(event));
    this.driver.onError((error) => this.note("error", `kernel: ${describeError(error)}`));
  }

  onMessage(listener: (message: SupervisorMessage) => void): () => void { return add(this.messageListeners, listener); }
  onEvent(listener: (event: KernelEvent) => void): () => void { return this.driver.onEvent(listener); }
  onCheck(listener: (completion: CheckCompletion) => void): () => void { return add(this.checkListeners, listener); }
  /** A gateway finished a request (hot: keep listeners cheap). */
  onRequest(listener: (request: GatewayRequest) => void): () => void { return add(this.requestListeners, listener); }
  /** A service restarts (recovery or operator). */
  onRestart(listener: (service: string) => void): () => void { return add(this.restartListeners, listener); }

  private countRestart(service: string): void {
    this.restarts.set(service, (this.restarts.get(service) ?? 0) + 1);
    for (const listener of this.restartListeners) listener(service);
  }

  /** Loads the manifest, configures the kernel, opens the gateways, and starts every service. */
  async start(): Promise<void> {
    this.checkSecrets();
    this.manifestApi.load(encodeManifest(this.hostManifest.manifest));
    this.keepRuns();
    for (const service of this.hostManifest.manifest.services) this.configure(service);
    this.notifier.configure(this.hostManifest.alerts);
    this.enforcer.start();
    process.on("exit", this.exitGuard);
    if (this.options.gateways !== false) await this.openGateways();
    this.driver.start();
    this.driver.call(() => this.kernel.startAll());
    if (this.enforcer.available) this.scaler.start();
  }

  /**
   * Stops every service in reverse dependency order (the kernel's stopAll, its stop timeouts
   * and kills), then closes the gateways and the run directory; idempotent. A process that
   * survives even the kill keeps it waiting: `myco run` kills everything on a second signal.
   */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.stopEverything();
    return this.shuttingDown;
  }

  get stopping(): boolean { return this.shuttingDown !== undefined; }

  /** The operator's restart (the kernel's: a stopped or failed service starts). */
  restart(service: string): void {
    this.kernel.restart(this.kernel.id(service)); // throws E_UNKNOWN_SERVICE with the name
    this.countRestart(service);
    this.note("info", `${service}: restart requested by the operator`, service);
    this.driver.poke();
  }

  /** The operator's start of a stopped or failed service (what it requires starts first). */
  startService(service: string): void {
    this.kernel.start(this.kernel.id(service)); // throws E_UNKNOWN_SERVICE with the name
    this.note("info", `${service}: start requested by the operator`, service);
    this.driver.poke();
  }

  /** The operator's stop of a service (what requires it stops first). */
  stopService(service: string): void {
    this.kernel.stop(this.kernel.id(service)); // throws E_UNKNOWN_SERVICE with the name
    this.note("info", `${service}: stop requested by the operator`, service);
    this.driver.poke();
  }

  /** The service as the manifest in force describes it. */
  serviceSpec(service: string): Service | undefined { return this.services.get(service); }

  /**
   * Reads the manifest file again and loads it into the running kernel, which diffs it: hot
   * config keys change in place (config-changed), services with cold changes restart, added
   * ones start, removed ones stop. Returns the new revision; throws with the file's problems
   * or the kernel's refusal (then nothing changed). A new `run:` applies to later spawns.
   */
  reload(): number {
    const next = rereadHostManifest(this.hostManifest, this.options.parse);
    // the kernel refuses a version that breaks a running dependant, and decides which changed run specs roll out
    const targets = new Map([...this.services.keys()].map((name) => [name, this.rollouts.status(name).target]));
    const revision = this.manifestApi.load(encodeManifest(next.manifest));
    this.hostManifest = next;
    this.keepRuns();
    this.noteNewRevisions(targets);
    this.services = new Map(next.manifest.services.map((s) => [s.name, s]));
    for (const [id, plan] of this.checks) if (!this.services.has(plan.service)) this.forgetCheck(id);
    for (const service of next.manifest.services) this.configure(service);
    this.reloadGateways(next);
    this.notifier.configure(next.alerts);
    if (!this.stopping) this.enforcer.refresh(); // the services with sampled limits may have changed
    if (this.enforcer.available && !this.stopping) this.scaler.start(); // the scaling services may have changed
    this.note("info", `manifest ${next.file} reloaded: revision ${revision}`);
    this.driver.poke();
    return revision;
  }

  /** Says which services the kernel gave a new revision in the load just made (`before`: each one's target before it). */
  private noteNewRevisions(before: Map<string, number>): void {
    for (const service of this.hostManifest.manifest.services) {
      const was = before.get(service.name);
      const status = this.rollouts.status(service.name);
      if (was === undefined || status.target === was) continue;
      this.note("info", status.phase === "idle"
        ? `${service.name}: its run: changed at rest: revision ${status.target} runs from its next start (the kernel's decision)`
        : `${service.name}: its run: changed: rolling out revision ${status.target} (the kernel's decision)`, service.name);
    }
  }

  /** Keeps the manifest's run specs by digest, and of the older ones those a revision in a history still runs. */
  private keepRuns(): void {
    const { run, manifest } = this.hostManifest;
    for (const service of manifest.services) if (service.runDigest !== undefined) this.runsByDigest.set(service.runDigest, run.get(service.name)!);
    const held = new Set<number>();
    for (const service of manifest.services) {
      for (const { revision } of this.rollouts.history(service.name)) held.add(this.rollouts.revisionDigest(service.name, revision));
    }
    for (const digest of this.runsByDigest.keys()) if (!held.has(digest)) this.runsByDigest.delete(digest);
  }

  /** `myco rollout ACTION SERVICE`: acts on the service's rollout, then tells where it stands. */
  rollout(action: RolloutAction, service: string, revision?: number): RolloutView {
    const { kernel, rollouts } = this;
    const run = (work: () => unknown) => { try { work(); } finally { this.driver.poke(); } }; // a refusal reaches the caller
    switch (action) {
      case "status": case "history": break;
      case "undo": run(() => rollouts.undo(service, revision ?? 0)); break;
      case "pause": run(() => rollouts.pause(service)); break;
      case "resume": run(() => rollouts.resume(service)); break;
      case "promote": run(() => rollouts.promote(service)); break;
      default: throw new Error(`rollout action '${String(action)}' is not status, history, undo, pause, resume or promote`);
    }
    const update = rollouts.read(service);
    return {
      status: rollouts.status(service), history: rollouts.history(service), revisions: kernel.instances(service).map((h) => rollouts.revisionOf(h)),
      errorRate: { thresholdPercent: update.errorRatePercent, windowMs: update.errorWindowMs, minRequests: update.errorMinRequests },
    };
  }

  /** The spawn context of one instance: its run spec is the one of the revision it runs. */
  private spawnContextOf(service: string, ordinal: number): SpawnContext {
    const context = this.spawnContext();
    const handle = this.kernel.instances(service)[ordinal];
    const digest = handle === undefined ? 0 : this.rollouts.revisionDigest(service, this.rollouts.revisionOf(handle));
    const spec = this.runsByDigest.get(digest);
    return spec && spec !== context.run.get(service) ? { ...context, run: new Map(context.run).set(service, spec) } : context;
  }

  /**
   * The host-side configuration of one service (a gateway's strategy, the check it runs), at
   * the start and again after every reload. The manifest's `health:` check is the kernel's
   * (a reload retimes or replaces it in place); a check made for a `run.check` alone is the
   * host's, and the kernel changes checks only at rest: a reload keeps it as it is.
   */
  private configure(service: Service): void {
    const run = this.hostManifest.run.get(service.name);
    const fromManifest = service.health !== undefined; // `check: none` parses to no health section
    const previous = [...this.checks.values()].find((plan) => plan.service === service.name);
    if (previous && !fromManifest && this.hostChecks.has(previous.id)) {
      if (run?.gateway?.strategy) this.balancer.configure(service.name, { strategy: run.gateway.strategy });
      if (this.hostChecks.get(previous.id) === JSON.stringify(run?.check)) return;
      return this.note("warn", `${service.name}: its run.check changed; it applies when myco run starts again (the kernel changes a running service's checks only through a health: section)`, service.name);
    }
    if (previous) this.forgetCheck(previous.id);
    let plan: CheckPlan | undefined;
    try {
      plan = configureService(this.kernel, service, run);
    } catch (error) {
      if (!(error instanceof MycoError)) throw error;
      return this.note("warn", `${service.name}: its run.check is not applied: ${describeError(error)}`, service.name);
    }
    if (!plan) return;
    this.checks.set(plan.id, plan);
    if (!fromManifest) this.hostChecks.set(plan.id, JSON.stringify(run?.check));
  }

  /** The host stops answering for a check (its service is gone; the kernel's check goes with it). */
  private forgetCheck(id: number): void {
    this.checks.delete(id);
    this.hostChecks.delete(id);
  }

  /** True when the service's requests are balanced (it has a gateway or a balance spec). */
  balanced(service: string): boolean {
    return this.services.get(service)?.balance !== undefined || this.hostManifest.run.get(service)?.gateway !== undefined;
  }

  /** Every instance's pid (live ones), for tests and status. */
  pids(): number[] { return this.executor.pids(); }

  // ---- actions ----

  private dispatch(action: Action): void {
    const service = action.serviceName;
    switch (action.kind) {
      case "spawn":
      case "stop":
      case "kill":
        return this.executor.handle(action);
      case "run-check":
        return this.runCheck(action);
      case "config-changed":
        return this.configFiles.reload(service, `'${this.configFiles.keyAt(service, action.arg)}' changed`);
      case "config-reload":
        return this.configFiles.reload(service, `reload asked by recovery (${FAULT_PATTERNS[action.arg] ?? action.arg})`);
      case "failover":
        return this.failover.to(service, this.kernel.name(action.arg));
      case "reboot-request":
        return this.note("error", `${service}: recovery gave up and asks for a reboot; a Node host does not reboot the machine`, service);
      case "notify":
        return this.notifier.handle(action);
      case "move": // a fleet plan's move: carried out by the fleet's executor, never on one device
        return this.note("error", `${service}: a fleet move of slot ${action.instance} reached a single-device supervisor, which has no other node`, service);
      default: {
        const unknown: never = action.kind;
        throw new Error(`an action of unknown kind '${unknown}' for ${service}`);
      }
    }
  }

  private addressesOf(service: string): Addresses { return this.services.get(service)?.addresses ?? []; }

  private spawnContext(): SpawnContext {
    return {
      services: this.services, run: this.hostManifest.run, gateways: this.gateways, failover: this.failover, configFiles: this.configFiles,
      secrets: () => this.secretStore(),
    };
  }

  /** The encrypted secret store (opened once; its key from MYCO_SECRET_KEY or the key file). */
  secretStore(): SecretStore {
    this.secrets ??= SecretStore.open(this.options.secrets?.store ?? join(this.hostManifest.dir, "secrets.json"), this.options.secrets?.keyFile);
    return this.secrets;
  }

  /** Every secret a `run.env` names opens with the key: a missing key or secret stops the start, before any spawn. */
  private checkSecrets(): void {
    for (const run of this.hostManifest.run.values()) {
      for (const secret of Object.values(run.secretEnv ?? {})) this.secretStore().reveal(secret);
    }
  }

  private runCheck(action: Action): void {
    const plan = this.checks.get(action.arg);
    const handle = action.instance;
    if (!plan) return;
    const key = `${plan.id}/${handle}`;
    const ordinal = this.kernel.instances(plan.service).indexOf(handle);
    if (ordinal < 0) return; // that run of the instance is over
    const spec = plan.build(ordinal, () => this.executor.pid(handle));
    // Every runner gives up before the kernel's timeout (runnerTimeoutMs), which is at most the
    // interval: one check per instance is out at a time without the host holding any back.
    runCheck(spec).then((result) => {
      const name = `${plan.service}#${ordinal}`;
      if (!result.ok && !this.checkFailing.has(key)) {
        this.checkFailing.add(key);
        this.note("warn", `${name}: check ${describeCheck(spec)} failed: ${result.message}`, plan.service);
      } else if (result.ok && this.checkFailing.delete(key)) {
        this.note("info", `${name}: check ${describeCheck(spec)} passes again`, plan.service);
      }
      for (const listener of this.checkListeners) listener({ service: plan.service, ordinal, handle, kind: plan.kind, result });
      const outcome = result.ok ? "success" : result.timedOut ? "timeout" : "failure";
      this.driver.call(() => ignoreStale(() => this.health.report(plan.id, handle, outcome, result.latencyMs)));
    });
  }

  // ---- events ----

  private observe(event: KernelEvent): void {
    this.failover.observe(event);
    const name = event.serviceName;
    if (event.kind === "notify") return this.notifier.observe(event);
    const fault = faultOf(event);
    if (fault) return this.note("warn", `${name}: fault ${fault.pattern} (${fault.cause}, evidence ${fault.evidence})`, name);
    const recovery = recoveryOf(event);
    if (recovery) {
      const step = recovery.step;
      if (step === "restart" || step === "restart-backoff" || step === "restart-instance") this.countRestart(name);
      const what = step === "restart-backoff" ? `restart in ${recovery.value} ms (attempt ${recovery.detail})`
        : step === "restart-instance" ? `restart an instance in ${recovery.value} ms (attempt ${recovery.detail})` : step;
      return this.note(step === "give-up" ? "error" : "info", `${name}: recovery: ${what}`, name);
    }
    const alert = alertOf(event);
    if (alert) {
      const level: MessageLevel = alert.severity === "critical" ? "error" : alert.severity === "warning" ? "warn" : "info";
      return this.note(level, `${name}: alert ${alert.reason}`, name);
    }
    if (event.kind === "service-state") {
      this.note(event.to === "failed" ? "warn" : "info", `${name}: ${event.from} -> ${event.to} (${event.cause})`, name);
    }
  }

  /** A message to whoever listens (the run view, tests): the executor's, the kernel's, the host's. */
  note(level: MessageLevel, text: string, service?: string): void {
    const message: SupervisorMessage = { timeMs: Date.now(), level, service, text };
    for (const listener of this.messageListeners) listener(message);
  }

  // ---- gateways ----

  private async openGateways(): Promise<void> {
    for (const [name, run] of this.hostManifest.run) {
      if (!run.gateway) continue;
      const port = this.options.gatewayPorts?.[name] ?? run.gateway.port;
      const gateway = new Gateway({
        kernel: this.kernel, balancer: this.balancer, service: name, spec: { ...run.gateway, port },
        addresses: this.addressesOf(name), poke: () => this.driver.poke(),
        observe: (request) => { for (const listener of this.requestListeners) listener(request); },
      });
      try {
        await gateway.listen();
        this.gateways.set(name, gateway);
        this.note("info", `${name}: gateway listening on ${gateway.mode}://${gateway.address}`, name);
      } catch (error) {
        // A port in use: the services still run, reachable at their own addresses.
        this.note("error", `${name}: gateway not started: ${describeError(error)}`, name);
      }
    }
  }

  /**
   * A reload: each open gateway takes its new section (limits, timeouts, addresses; a new port
   * opens there first and the old listener drains); a gateway no longer asked for drains and closes.
   */
  private reloadGateways(next: HostManifest): void {
    for (const [name, gateway] of this.gateways) {
      const spec = next.run.get(name)?.gateway;
      const done = spec
        ? gateway.reload({ ...spec, port: this.options.gatewayPorts?.[name] ?? spec.port }, this.addressesOf(name))
        : gateway.close().then(() => { this.gateways.delete(name); });
      done.catch((error: unknown) => this.note("error", `${name}: gateway reload failed: ${describeError(error)}`, name));
    }
    for (const [name, run] of next.run) {
      if (run.gateway && !this.gateways.has(name) && this.options.gateways !== false) {
        this.note("warn", `${name}: its gateway opens when myco run starts again; meanwhile it is reached at its instances' addresses`, name);
      }
    }
  }

  // ---- shutdown ----

  private async stopEverything(): Promise<void> {
    this.note("info", "shutting down: draining the gateways, then stopping services in reverse dependency order");
    this.scaler.stop(); // no resize while everything stops
    // What the gateways accepted finishes first (up to their drain-timeout): nothing is cut.
    await Promise.all([...this.gateways.values()].map((g) => g.close()));
    this.driver.call(() => this.kernel.stopAll());
    // The kernel bounds the ordered stop itself: every stop has its timeout, then a kill.
    while (!this.atRest()) await new Promise((r) => setTimeout(r, 20));
    await this.executor.shutdown(1000);
    this.configFiles.remove();
    this.enforcer.stop();
    this.driver.stop();
    process.off("exit", this.exitGuard);
    this.note("info", "shut down");
  }

  /** Every service is down in the kernel and every process it ran has exited. */
  private atRest(): boolean {
    if (this.executor.aliveCount > 0) return false;
    return this.kernel.serviceIds().every((id) => ["stopped", "failed", "disabled"].includes(this.kernel.state(id)));
  }
}

/** A report about an earlier run of an instance (it was killed and respawned meanwhile) is moot. */
function ignoreStale(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof MycoError && error.codeName === "E_STALE_INSTANCE")) throw error;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof MycoError) return `${error.codeName}: ${error.message}`;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ? `${(error as NodeJS.ErrnoException).code}: ${error.message}` : error.message;
  return String(error);
}

function add<T>(list: T[], item: T): () => void {
  list.push(item);
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
}
