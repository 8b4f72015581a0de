// The normalized manifest: what services.yaml means once templates and config sources are
// resolved. Everything sorted and explicit, so two equal manifests are equal as JSON; the
// blob encodes exactly this, and a kernel dump decodes back to it (secrets redacted).

import type { RecoveryPolicy } from "../kernel/recovery.ts";
import type { BalanceConfig, BreakerConfig, OutlierConfig } from "../kernel/balance.ts";
import type { PlacementSection } from "./placement.ts";
import type { ResourceVector } from "../kernel/placement.ts";
import type { OnLimitAction, AdmissionMode, ScaleSpec } from "../kernel/resources.ts";
import type { UpdateConfig } from "../kernel/rollout.ts";

export type ConfigType = "int" | "bool" | "string" | "enum" | "duration" | "size";
export type ConfigValue = number | boolean | string;

export interface ConfigKey {
  key: string;
  type: ConfigType;
  required: boolean;
  secret: boolean;
  hot: boolean;
  /** int, duration (ms), size (bytes): the value range; string: the length range. */
  min: number;
  max: number;
  choices: string[];
  pattern: string;
  /** Absent when no source gave a value; "<redacted>" in a dump for a secret. */
  value?: ConfigValue;
  redacted?: boolean;
}

export interface Dependency {
  name: string;
  kind: "requires" | "wants" | "after";
  condition: "started" | "healthy";
}

// The layer sections are the kernel's configuration records (host/kernel/records.ts,
// docs/abi-records.md): a field the YAML leaves out is absent here and the sentinel -1 in the
// blob, and the kernel fills its own default. Nothing here holds a default.

export interface HealthSpec {
  /** What the host runs (the kernel's check kind: exec is "command"). No `health:` or `check: none`: no check. */
  check: "exec" | "http" | "tcp";
  /** The host's: a command, URL or port. */
  target: string;
  /** liveness: a failing check kills the instance; readiness: degrades it; startup: gates the others. */
  role?: "liveness" | "readiness" | "startup";
  intervalMs?: number;
  timeoutMs?: number;
  startPeriodMs?: number;
  /** Successes in a row that make the check pass. */
  rise?: number;
  /** Failures in a row that make it fail. */
  retries?: number;
}

/** The `restart:` section: the typed API's recovery policy, a backup named by service name. */
export type RecoverySpec = Omit<RecoveryPolicy, "backup"> & { backup?: string };

/** The `balance:` section (and `instances.weights`): strategy and options, breaker, outlier ejection. */
export interface BalanceSpec extends BalanceConfig {
  /** Present: the breakers are on, with these settings. */
  breaker?: Partial<BreakerConfig>;
  /** Present: outlier ejection is on, with these settings. */
  outlier?: Partial<OutlierConfig>;
  /** Instance ordinal k weighs weights[k] (the others 1). */
  weights: number[];
}

/** `resources:` and `priority:` (host/manifest/resources.ts), in the kernel's units. */
export interface ResourcesSpec {
  requests: ResourceVector;
  limits: ResourceVector;
  priority?: number;
  onLimit?: OnLimitAction;
  graceMs?: number;
  admission?: AdmissionMode;
  /** The node's units the service needs, by name. */
  units: string[];
  coreMiB?: number;
  scale?: ScaleSpec;
}

export interface Service {
  name: string;
  type: "system" | "user";
  instances: number;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  tags: string[];
  dependencies: Dependency[];
  addresses: { ordinal: number; address: string }[];
  config: ConfigKey[];
  health?: HealthSpec;
  recovery?: RecoverySpec;
  balance?: BalanceSpec;
  resources?: ResourcesSpec;
  /** `update:` (host/manifest/update.ts): the kernel's UPDATE record. */
  update?: UpdateConfig;
  /** The `placement:` section: the fleet placement spec (host/manifest/placement.ts). */
  placement?: PlacementSection;
  /** `version:` (host/manifest/versions.ts), canonical major.minor.patch. */
  version?: string;
  /** `compatible:`: the versions of its dependencies it works with, each range canonical (">=2.0.0 <3.0.0"). */
  compatible?: { name: string; range: string }[];
  /** Who the host runs the service as (set for a service with a `run:` section): the kernel's root rule reads it (IDENTITY, tag 0x88). */
  runAs?: RunAs;
  /** The digest of the service's `run:` spec and version (host/supervisor/run-digest.ts; RUN DIGEST, tag 0x8A): the kernel decides from it whether a reload makes a new revision. */
  runDigest?: number;
}

/** `user:` (none: the host's own user; root: uid 0; other: an unprivileged uid) and `allow-root:`. */
export interface RunAs { user: "host" | "root" | "other"; allowRoot: boolean }

export interface Manifest {
  serial: number;
  services: Service[];
}

export const CONFIG_TYPES: readonly ConfigType[] = ["int", "bool", "string", "enum", "duration", "size"];
export const REDACTED = "<redacted>";
