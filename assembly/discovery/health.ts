// The health of each service as discovery sees it. The health layer reports changes through the
// hook table (hooks.ts onServiceHealth, wired to `discoveryHealthChanged`); until it does, every
// service is "unknown". Without discovery (FEATURE_DISCOVERY=0) the column has no rows.
import { DISCOVERY_SERVICES } from "../limits";
import { CAUSE_NONE } from "../lifecycle/causes";
import { subscriptionsNotify, DISCOVERY_CHANGE_HEALTH } from "./subscriptions";
import { statusChanged } from "../registry/generation";
import { fillAll } from "../util/fill";

export const HEALTH_UNKNOWN: u8 = 0;
export const HEALTH_HEALTHY: u8 = 1;
export const HEALTH_UNHEALTHY: u8 = 2;

export const serviceHealth = new StaticArray<u8>(DISCOVERY_SERVICES);

/** Called by the health layer (or the host, through discoveryHealthSet) when a verdict changes. */
export function discoveryHealthChanged(service: i32, health: u8): void {
  const from = serviceHealth[service];
  if (from == health) return;
  serviceHealth[service] = health;
  statusChanged();
  subscriptionsNotify(service, DISCOVERY_CHANGE_HEALTH, from, health, CAUSE_NONE);
}

export function healthReset(): void { fillAll(serviceHealth, HEALTH_UNKNOWN); }
