// Prometheus metrics of a running supervisor (prom-client). Gauges and kernel-side counters are
// read from the kernel when scraped (collect); restarts, faults, check and gateway latencies are
// counted as they happen. Instances are labelled by ordinal (stable across restarts).
//
//   myco_service_state{service,state}            1 for the service's current state, 0 otherwise
//   myco_service_health{service,health}          1 for its current health, 0 otherwise
//   myco_service_availability_ratio{service}     time-weighted availability over its window
//   myco_service_instances_running{service}      instances up
//   myco_service_restarts_total{service}         restarts (recovery and operator)
//   myco_faults_total{service,pattern}           faults by pattern (crash, check, start-timeout, ...)
//   myco_balancer_picks_total{service,instance}  picks of the current run of each instance
//   myco_requests_active{service,instance}       requests in flight
//   myco_breaker_state{service,instance,state}   1 for the breaker's current state
//   myco_breaker_transitions_total{service,instance,to}
//   myco_ejections_total{service,instance}       outlier ejections
//   myco_check_duration_seconds{service,kind,outcome}        histogram
//   myco_gateway_request_duration_seconds{service,outcome}   histogram
import type { Registry, Counter, Histogram } from "prom-client";
import { lazyModule } from "../lazy-module.ts";

/** Loaded when metrics are first made (`myco run --metrics`), not by every `myco run`. */
const prom = lazyModule<typeof import("prom-client")>("prom-client");
import { SERVICE_STATES } from "../kernel/abi.ts";
import { HEALTH_STATES, BREAKER_STATES, type Balancer, type InstanceBalanceStats } from "../kernel/balance.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { HealthMonitor } from "../kernel/health.ts";
import { faultOf } from "../kernel/recovery.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { GatewayRequest } from "../gateway/gateway.ts";

/** Latency buckets in seconds: 100 µs to 10 s (loopback proxies live at the low end). */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class SupervisorMetrics {
  readonly registry: Registry = new (prom().Registry)();
  private readonly restarts: Counter<"service">;
  private readonly faults: Counter<"service" | "pattern">;
  private readonly checkDuration: Histogram<"service" | "kind" | "outcome">;
  private readonly gatewayDuration: Histogram<"service" | "outcome">;
  private readonly gatewayChildren = new Map<string, { observe(value: number): void }>();

  constructor(private readonly kernel: Kernel, private readonly health: HealthMonitor, private readonly balancer: Balancer) {
    const registers = [this.registry];
    const services = () => kernel.serviceIds().map((id) => ({ id, name: kernel.name(id) }));
    const instances = (id: number) => kernel.instances(id).map((handle, ordinal) => ({ handle, ordinal: String(ordinal) }));
    const balanced = (id: number) => {
      try {
        return balancer.serviceStats(id).members > 0 || kernel.instances(id).length > 0;
      } catch {
        return false;
      }
    };
    const stats = (handle: number) => {
      try {
        return balancer.instanceStats(handle);
      } catch {
        return undefined; // not a member (not running)
      }
    };

    new (prom().Gauge)({
      name: "myco_service_state", help: "1 for the service's current lifecycle state", labelNames: ["service", "state"], registers,
      collect() {
        this.reset();
        for (const { id, name } of services()) {
          const current = kernel.state(id);
          for (const state of SERVICE_STATES) this.set({ service: name, state }, state === current ? 1 : 0);
        }
      },
    });
    new (prom().Gauge)({
      name: "myco_service_health", help: "1 for the service's current health", labelNames: ["service", "health"], registers,
      collect() {
        this.reset();
        for (const { id, name } of services()) {
          const current = health.of(id);
          for (const h of HEALTH_STATES) this.set({ service: name, health: h }, h === current ? 1 : 0);
        }
      },
    });
    new (prom().Gauge)({
      name: "myco_service_availability_ratio", help: "Time-weighted availability over the service's window (0..1)", labelNames: ["service"], registers,
      collect() {
        this.reset();
        for (const { id, name } of services()) this.set({ service: name }, health.availability(id));
      },
    });
    new (prom().Gauge)({
      name: "myco_service_instances_running", help: "Instances of the service that are running", labelNames: ["service"], registers,
      collect() {
        this.reset();
        for (const { id, name } of services()) {
          this.set({ service: name }, kernel.instances(id).filter((h) => kernel.instanceState(h) === "running").length);
        }
      },
    });
    this.restarts = new (prom().Counter)({ name: "myco_service_restarts_total", help: "Restarts of the service (recovery and operator)", labelNames: ["service"], registers });
    this.faults = new (prom().Counter)({ name: "myco_faults_total", help: "Faults by pattern", labelNames: ["service", "pattern"], registers });

    /** Every balanced instance with its stats: [service, ordinal, stats]. */
    const rows = () => {
      const out: [string, string, InstanceBalanceStats][] = [];
      for (const { id, name } of services()) {
        if (!balanced(id)) continue;
        for (const { handle, ordinal } of instances(id)) {
          const s = stats(handle);
          if (s) out.push([name, ordinal, s]);
        }
      }
      return out;
    };
    new (prom().Counter)({
      name: "myco_balancer_picks_total", help: "Picks of each instance (its current run)", labelNames: ["service", "instance"], registers,
      collect() {
        this.reset();
        for (const [service, instance, s] of rows()) this.inc({ service, instance }, s.picks);
      },
    });
    new (prom().Gauge)({
      name: "myco_requests_active", help: "Requests in flight per instance", labelNames: ["service", "instance"], registers,
      collect() {
        this.reset();
        for (const [service, instance, s] of rows()) this.set({ service, instance }, s.active);
      },
    });
    new (prom().Gauge)({
      name: "myco_breaker_state", help: "1 for the instance breaker's current state", labelNames: ["service", "instance", "state"], registers,
      collect() {
        this.reset();
        for (const [service, instance, s] of rows()) {
          for (const state of BREAKER_STATES) this.set({ service, instance, state }, state === s.breaker ? 1 : 0);
        }
      },
    });
    new (prom().Counter)({
      name: "myco_breaker_transitions_total", help: "Breaker transitions per instance, by the state entered", labelNames: ["service", "instance", "to"], registers,
      collect() {
        this.reset();
        for (const [service, instance, s] of rows()) {
          this.inc({ service, instance, to: "open" }, s.breakerOpened);
          this.inc({ service, instance, to: "half-open" }, s.breakerHalfOpened);
          this.inc({ service, instance, to: "closed" }, s.breakerClosed);
        }
      },
    });
    new (prom().Counter)({
      name: "myco_ejections_total", help: "Outlier ejections per instance", labelNames: ["service", "instance"], registers,
      collect() {
        this.reset();
        for (const [service, instance, s] of rows()) this.inc({ service, instance }, s.ejections);
      },
    });
    this.checkDuration = new (prom().Histogram)({
      name: "myco_check_duration_seconds", help: "Health check latency", labelNames: ["service", "kind", "outcome"], buckets: LATENCY_BUCKETS, registers,
    });
    this.gatewayDuration = new (prom().Histogram)({
      name: "myco_gateway_request_duration_seconds", help: "Time a request spends in the gateway, upstream included",
      labelNames: ["service", "outcome"], buckets: LATENCY_BUCKETS, registers,
    });
  }

  /** Counts what a supervisor reports as it happens. */
  attach(supervisor: Supervisor): () => void {
    const offEvent = supervisor.onEvent((event) => {
      const fault = faultOf(event);
      if (fault) this.faults.inc({ service: fault.serviceName, pattern: fault.pattern });
    });
    const offCheck = supervisor.onCheck(({ service, kind, result }) => {
      const outcome = result.ok ? "success" : result.timedOut ? "timeout" : "failure";
      this.checkDuration.observe({ service, kind, outcome }, result.latencyMs / 1000);
    });
    const offRestart = supervisor.onRestart((service) => this.restarts.inc({ service }));
    for (const id of this.kernel.serviceIds()) this.restarts.inc({ service: this.kernel.name(id) }, 0);
    const offRequest = supervisor.onRequest(this.observeRequest);
    return () => { offEvent(); offCheck(); offRestart(); offRequest(); };
  }

  /** One finished gateway request. */
  readonly observeRequest = (request: GatewayRequest): void => {
    const key = `${request.service}\u0000${request.outcome}`;
    let child = this.gatewayChildren.get(key);
    if (!child) this.gatewayChildren.set(key, (child = this.gatewayDuration.labels(request.service, request.outcome)));
    child.observe(request.latencyMs / 1000);
  };

  metrics(): Promise<string> { return this.registry.metrics(); }
  get contentType(): string { return this.registry.contentType; }
}
