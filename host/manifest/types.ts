// The normalized manifest: what services.yaml means once templates, defaults and config sources
// are resolved. Everything sorted and explicit, so two equal manifests are equal as JSON; the
// blob encodes exactly this, and a kernel dump decodes back to it (secrets redacted).

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

export interface HealthSpec {
  check: "none" | "exec" | "http" | "tcp";
  /** liveness: a failing check kills the instance; readiness: degrades it; startup: gates the others. */
  role: "liveness" | "readiness" | "startup";
  target: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export interface RecoverySpec {
  restart: "no" | "on-failure" | "always";
  strategy: "one-for-one" | "one-for-all" | "rest-for-one";
  intensity: number;
  periodMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffMultiplier: number;
  jitterPercent: number;
  escalation: "none" | "alert" | "restart-dependents" | "reboot";
}

export interface BalanceSpec {
  strategy: "round-robin" | "weighted-round-robin" | "least-connections" | "random" | "power-of-two" | "consistent-hash"
    | "weighted-least-connections" | "ip-hash" | "fastest-response" | "health-based";
  weights: number[];
  /** Consecutive failures that open an instance's breaker; 0: no breaker. */
  breakerFailures: number;
  breakerOpenMs: number;
  breakerHalfOpen: number;
}

export interface ResourcesSpec {
  memoryBytes: number;
  cpuPermille: number;
  storageBytes: number;
}

export interface Service {
  name: string;
  type: "system" | "user";
  instances: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  tags: string[];
  dependencies: Dependency[];
  addresses: { ordinal: number; address: string }[];
  config: ConfigKey[];
  health?: HealthSpec;
  recovery?: RecoverySpec;
  balance?: BalanceSpec;
  resources?: ResourcesSpec;
}

export interface Manifest {
  serial: number;
  services: Service[];
}

export const CONFIG_TYPES: readonly ConfigType[] = ["int", "bool", "string", "enum", "duration", "size"];
export const REDACTED = "<redacted>";
