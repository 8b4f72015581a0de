// services.yaml -> normalized manifest: templates resolved, every field checked (unknown keys
// with a "did you mean", wrong types, ranges), config sources merged by precedence, secrets
// kept out of the file, dependencies checked (unknown names, cycles with their whole path).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Manifest, Service, ConfigKey, ConfigType, ConfigValue, Dependency } from "./types.ts";
import { CONFIG_TYPES } from "./types.ts";
import { ENUMS } from "./blob.ts";
import { type Diagnostic, didYouMean } from "./diagnostics.ts";
import { parseYaml, describe, type LNode, type Location } from "./tree.ts";
import { parseDuration, parseSize, parseBool, parseInteger, patternToRegExp } from "./values.ts";
import { resolveConfigValue, envName, type ConfigSources, type ValueSource } from "./sources.ts";
export { envName };

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL("../../examples/templates/", import.meta.url));

export interface ParseOptions extends ConfigSources {
  /** Directory of template files (<name>.yaml); default examples/templates/. */
  templatesDir?: string;
  serial?: number;
}

export interface ParseResult {
  manifest: Manifest | null;
  diagnostics: Diagnostic[];
  /** Each service's `run:` section as plain data: host-only (what `myco run` spawns), never compiled. */
  run?: Record<string, unknown>;
}

/** `alerts:` is a host's section (receivers are URLs and commands): host/supervisor/alerts-manifest.ts reads it. */
const ROOT_KEYS = ["version", "serial", "services", "templates", "alerts"];
const SERVICE_KEYS = [
  "template", "description", "type", "tags", "instances", "timeouts", "requires", "wants", "after", "health", "restart",
  "balance", "resources", "config", "run",
];
const SUBKEYS: Record<string, string[]> = {
  instances: ["count", "weights", "addresses"],
  timeouts: ["start", "stop"],
  health: ["check", "role", "target", "interval", "timeout", "retries", "start-period"],
  restart: ["policy", "strategy", "intensity", "period", "backoff", "escalation"],
  backoff: ["initial", "max", "multiplier", "jitter"],
  balance: ["strategy", "breaker"],
  breaker: ["failures", "open", "half-open"],
  resources: ["memory", "cpu", "storage"],
  dependency: ["name", "condition"],
  config: ["type", "value", "default", "min", "max", "pattern", "choices", "required", "secret", "hot", "description"],
};
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SAFE = Number.MAX_SAFE_INTEGER;
const U32 = 0xffffffff;
/** The kernel's limits that hold in every build profile (assembly/limits.ts): `myco check` catches them. */
const TIMEOUT_MS_MAX = 86_400_000;
const THRESHOLD_MAX = 100;
const WEIGHT_MAX = 1000;
const HALF_OPEN_MAX = 255;
const INSTANCES_MAX = 64;

type Layer = { node: LNode & { kind: "map" }; from: string };

class Context {
  readonly diagnostics: Diagnostic[] = [];
  service?: string;
  error(loc: Location, field: string | undefined, message: string): void {
    this.diagnostics.push({ ...loc, service: this.service, field, message });
  }
}

// ---- templates ------------------------------------------------------------------------------

function loadTemplates(dir: string | undefined, ctx: Context): Map<string, Layer> {
  const templates = new Map<string, Layer>();
  const folder = dir ?? DEFAULT_TEMPLATES_DIR;
  if (!existsSync(folder)) return templates;
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort()) {
    const path = join(folder, file);
    const parsed = parseYaml(readFileSync(path, "utf8"), path);
    ctx.diagnostics.push(...parsed.diagnostics);
    if (parsed.root?.kind === "map") templates.set(basename(file).replace(/\.ya?ml$/, ""), { node: parsed.root, from: path });
  }
  return templates;
}

/** The layers of a service, base template first; reports unknown templates and inheritance cycles. */
function layersOf(node: LNode & { kind: "map" }, templates: Map<string, Layer>, ctx: Context): Layer[] {
  const layers: Layer[] = [{ node, from: "service" }];
  const chain: string[] = [];
  let current = node;
  for (let depth = 0; depth < 32; depth++) {
    const ref = current.entries.get("template");
    if (!ref) break;
    if (ref.value.kind !== "scalar" || typeof ref.value.value !== "string") {
      ctx.error(ref.value.loc, "template", `expected a template name, got ${describe(ref.value)}`);
      break;
    }
    const name = ref.value.value;
    if (chain.includes(name)) {
      ctx.error(ref.value.loc, "template", `templates inherit in a cycle: ${[...chain, name].join(" -> ")}`);
      return layers.slice(0, 1);
    }
    chain.push(name);
    const template = templates.get(name);
    if (!template) {
      ctx.error(ref.value.loc, "template", `template '${name}' does not exist${didYouMean(name, templates.keys())}; known: ${[...templates.keys()].join(", ") || "none"}`);
      return layers.slice(0, 1);
    }
    layers.unshift(template);
    current = template.node;
  }
  return layers;
}

/** Merges layers: later ones win per field; maps merge per key (config per key and field); tags and dependencies add up. */
function merge(layers: Layer[]): Map<string, { keyLoc: Location; value: LNode; from: string }> {
  const merged = new Map<string, { keyLoc: Location; value: LNode; from: string }>();
  for (const { node, from } of layers) {
    for (const [key, entry] of node.entries) {
      const previous = merged.get(key);
      if (previous && previous.value.kind === "map" && entry.value.kind === "map") {
        merged.set(key, { ...entry, from, value: mergeMaps(previous.value, entry.value, key === "config") });
      } else if (previous && previous.value.kind === "seq" && entry.value.kind === "seq" && ["tags", "requires", "wants", "after"].includes(key)) {
        merged.set(key, { ...entry, from, value: { kind: "seq", loc: entry.value.loc, items: [...previous.value.items, ...entry.value.items] } });
      } else {
        merged.set(key, { ...entry, from });
      }
    }
  }
  return merged;
}

function mergeMaps(a: LNode & { kind: "map" }, b: LNode & { kind: "map" }, deep: boolean): LNode {
  const entries = new Map(a.entries);
  for (const [key, entry] of b.entries) {
    const previous = entries.get(key);
    if (previous && previous.value.kind === "map" && entry.value.kind === "map") {
      entries.set(key, { keyLoc: entry.keyLoc, value: mergeMaps(previous.value, entry.value, false) });
    } else if (deep && previous && previous.value.kind === "map" && entry.value.kind === "scalar") {
      // a bare value over a template's schema: keep the schema, set the value
      const inner = new Map(previous.value.entries);
      inner.set("value", { keyLoc: entry.keyLoc, value: entry.value });
      entries.set(key, { keyLoc: entry.keyLoc, value: { kind: "map", loc: entry.value.loc, entries: inner } });
    } else {
      entries.set(key, entry);
    }
  }
  return { kind: "map", loc: b.loc, entries };
}

// ---- field readers --------------------------------------------------------------------------

function checkKeys(node: LNode & { kind: "map" }, known: string[], what: string, ctx: Context): void {
  for (const [key, { keyLoc }] of node.entries) {
    if (!known.includes(key)) ctx.error(keyLoc, key, `unknown key '${key}' in ${what}${didYouMean(key, known)}; expected one of: ${known.join(", ")}`);
  }
}

function asMap(node: LNode, field: string, ctx: Context): (LNode & { kind: "map" }) | null {
  if (node.kind === "map") return node;
  ctx.error(node.loc, field, `expected a map, got ${describe(node)}`);
  return null;
}

function scalar(node: LNode | undefined): unknown { return node?.kind === "scalar" ? node.value : undefined; }

function readNumber(node: LNode | undefined, field: string, min: number, max: number, fallback: number, ctx: Context, parse = parseInteger, unit = ""): number {
  if (!node) return fallback;
  const value = parse(scalar(node));
  if (value === undefined) { ctx.error(node.loc, field, `expected ${unit || "an integer"}, got ${describe(node)}`); return fallback; }
  if (value < min || value > max) { ctx.error(node.loc, field, `${value} is out of range ${min}..${max}`); return fallback; }
  return value;
}

function readDuration(node: LNode | undefined, field: string, max: number, fallback: number, ctx: Context, min = 0): number {
  return readNumber(node, field, min, max, fallback, ctx, parseDuration, "a duration (e.g. 500ms, 5s, 2m)");
}

function readEnum<T extends string>(node: LNode | undefined, field: string, choices: readonly T[], fallback: T, ctx: Context): T {
  if (!node) return fallback;
  const value = scalar(node);
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as T;
  ctx.error(node.loc, field, `expected one of ${choices.join(", ")}, got ${describe(node)}${typeof value === "string" ? didYouMean(value, choices) : ""}`);
  return fallback;
}

function readName(node: LNode, field: string, ctx: Context): string | null {
  const value = scalar(node);
  if (typeof value === "string" && NAME.test(value)) return value;
  ctx.error(node.loc, field, `expected a name (1..32 of [A-Za-z0-9._-], starting with a letter or digit), got ${describe(node)}`);
  return null;
}

function readNames(node: LNode | undefined, field: string, ctx: Context): { name: string; loc: Location; node: LNode }[] {
  if (!node) return [];
  if (node.kind !== "seq") { ctx.error(node.loc, field, `expected a list, got ${describe(node)}`); return []; }
  return node.items.flatMap((item) => { const name = readName(item, field, ctx); return name ? [{ name, loc: item.loc, node: item }] : []; });
}

// ---- a service --------------------------------------------------------------------------------

interface DependencyRef extends Dependency { loc: Location }

function readService(name: string, layers: Layer[], options: ParseOptions, ctx: Context): { service: Service; deps: DependencyRef[] } {
  const merged = merge(layers);
  const service: Service = {
    name, type: "user", instances: 1, startTimeoutMs: 10_000, stopTimeoutMs: 5_000, tags: [], dependencies: [], addresses: [], config: [],
  };
  for (const [key, { keyLoc }] of merged) {
    if (!SERVICE_KEYS.includes(key)) ctx.error(keyLoc, key, `unknown key '${key}'${didYouMean(key, SERVICE_KEYS)}; expected one of: ${SERVICE_KEYS.join(", ")}`);
  }
  const get = (key: string) => merged.get(key)?.value;
  service.type = readEnum(get("type"), "type", ["system", "user"] as const, "user", ctx);
  service.tags = [...new Set(readNames(get("tags"), "tags", ctx).map((t) => t.name))].sort();
  readInstances(get("instances"), service, ctx);
  const timeouts = get("timeouts") && asMap(get("timeouts")!, "timeouts", ctx);
  if (timeouts) {
    checkKeys(timeouts, SUBKEYS.timeouts, "timeouts", ctx);
    service.startTimeoutMs = readDuration(timeouts.entries.get("start")?.value, "timeouts.start", TIMEOUT_MS_MAX, 10_000, ctx, 1);
    service.stopTimeoutMs = readDuration(timeouts.entries.get("stop")?.value, "timeouts.stop", TIMEOUT_MS_MAX, 5_000, ctx, 1);
  }
  const deps = readDependencies(merged, ctx);
  readHealth(get("health"), service, ctx);
  readRecovery(get("restart"), service, ctx);
  readBalance(get("balance"), service, ctx);
  readResources(get("resources"), service, ctx);
  const config = get("config");
  if (config) {
    const map = asMap(config, "config", ctx);
    if (map) {
      for (const [key, entry] of map.entries) {
        const parsed = readConfigKey(name, key, entry.keyLoc, entry.value, layers, options, ctx);
        if (parsed) service.config.push(parsed);
      }
      service.config.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
  }
  return { service, deps };
}

function readInstances(node: LNode | undefined, service: Service, ctx: Context): void {
  if (!node) return;
  if (node.kind !== "map") { service.instances = readNumber(node, "instances", 0, INSTANCES_MAX, 1, ctx); return; }
  checkKeys(node, SUBKEYS.instances, "instances", ctx);
  service.instances = readNumber(node.entries.get("count")?.value, "instances.count", 0, INSTANCES_MAX, 1, ctx);
  const weights = node.entries.get("weights")?.value;
  if (weights) {
    if (weights.kind !== "seq") ctx.error(weights.loc, "instances.weights", `expected a list of weights, got ${describe(weights)}`);
    else {
      const list = weights.items.map((w) => readNumber(w, "instances.weights", 1, WEIGHT_MAX, 1, ctx));
      if (list.length !== service.instances) ctx.error(weights.loc, "instances.weights", `${list.length} weights for ${service.instances} instances`);
      service.balance = { ...(service.balance ?? defaultBalance()), weights: list };
    }
  }
  const addresses = node.entries.get("addresses")?.value;
  if (addresses) {
    if (addresses.kind !== "seq") { ctx.error(addresses.loc, "instances.addresses", `expected a list of addresses, got ${describe(addresses)}`); return; }
    addresses.items.forEach((item, ordinal) => {
      const value = scalar(item);
      if (typeof value !== "string" || !/^[\x21-\x2b\x2d-\x7e]{1,255}$/.test(value)) {
        ctx.error(item.loc, "instances.addresses", `expected an address (1..255 printable bytes, no spaces or commas), got ${describe(item)}`);
      } else if (ordinal >= service.instances) {
        ctx.error(item.loc, "instances.addresses", `address ${ordinal + 1} of ${addresses.items.length} is for an instance that does not exist (count ${service.instances})`);
      } else service.addresses.push({ ordinal, address: value });
    });
  }
}

function readDependencies(merged: ReturnType<typeof merge>, ctx: Context): DependencyRef[] {
  const deps: DependencyRef[] = [];
  for (const kind of ["requires", "wants", "after"] as const) {
    const node = merged.get(kind)?.value;
    if (!node) continue;
    if (node.kind !== "seq") { ctx.error(node.loc, kind, `expected a list of service names, got ${describe(node)}`); continue; }
    for (const item of node.items) {
      let name: string | null = null;
      let condition: Dependency["condition"] = "started";
      if (item.kind === "map") {
        checkKeys(item, SUBKEYS.dependency, kind, ctx);
        const nameNode = item.entries.get("name")?.value;
        if (!nameNode) { ctx.error(item.loc, kind, "a dependency needs a name"); continue; }
        name = readName(nameNode, kind, ctx);
        condition = readEnum(item.entries.get("condition")?.value, `${kind}.condition`, ["started", "healthy"] as const, "started", ctx);
      } else name = readName(item, kind, ctx);
      if (!name) continue;
      const twice = deps.find((d) => d.name === name);
      if (twice) { if (twice.kind === kind) continue; ctx.error(item.loc, kind, `'${name}' is already listed under ${twice.kind}`); continue; }
      deps.push({ name, kind, condition, loc: item.loc });
    }
  }
  return deps;
}

function defaultBalance() {
  return { strategy: "round-robin" as const, weights: [] as number[], breakerFailures: 0, breakerOpenMs: 30_000, breakerHalfOpen: 1 };
}

function readHealth(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "health", ctx);
  if (!map) return;
  checkKeys(map, SUBKEYS.health, "health", ctx);
  const e = (k: string) => map.entries.get(k)?.value;
  const target = scalar(e("target"));
  if (e("target") && typeof target !== "string") ctx.error(e("target")!.loc, "health.target", `expected a command, URL or port as text, got ${describe(e("target")!)}`);
  service.health = {
    check: readEnum(e("check"), "health.check", ENUMS.HEALTH_CHECKS, "none", ctx),
    role: readEnum(e("role"), "health.role", ENUMS.HEALTH_ROLES, "liveness", ctx),
    target: typeof target === "string" ? target : "",
    intervalMs: readDuration(e("interval"), "health.interval", TIMEOUT_MS_MAX, 10_000, ctx, 1),
    timeoutMs: readDuration(e("timeout"), "health.timeout", TIMEOUT_MS_MAX, 2_000, ctx, 1),
    retries: readNumber(e("retries"), "health.retries", 1, THRESHOLD_MAX, 3, ctx),
    startPeriodMs: readDuration(e("start-period"), "health.start-period", TIMEOUT_MS_MAX, 0, ctx),
  };
  if (service.health.timeoutMs > service.health.intervalMs) {
    ctx.error(e("timeout")?.loc ?? map.loc, "health.timeout", `timeout ${service.health.timeoutMs} ms is longer than the interval ${service.health.intervalMs} ms`);
  }
}

function readRecovery(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "restart", ctx);
  if (!map) return;
  checkKeys(map, SUBKEYS.restart, "restart", ctx);
  const e = (k: string) => map.entries.get(k)?.value;
  const backoff = e("backoff") ? asMap(e("backoff")!, "restart.backoff", ctx) : null;
  if (backoff) checkKeys(backoff, SUBKEYS.backoff, "restart.backoff", ctx);
  const b = (k: string) => backoff?.entries.get(k)?.value;
  const multiplierNode = b("multiplier");
  const multiplier = multiplierNode ? Number(scalar(multiplierNode)) : 2;
  if (multiplierNode && !(multiplier >= 1 && multiplier <= 10)) ctx.error(multiplierNode.loc, "restart.backoff.multiplier", `expected a number 1..10, got ${describe(multiplierNode)}`);
  const jitterNode = b("jitter");
  const jitter = jitterNode ? Number(scalar(jitterNode)) : 0.1;
  if (jitterNode && !(jitter >= 0 && jitter <= 1)) ctx.error(jitterNode.loc, "restart.backoff.jitter", `expected a fraction 0..1, got ${describe(jitterNode)}`);
  service.recovery = {
    restart: readEnum(e("policy"), "restart.policy", ENUMS.RESTARTS, "on-failure", ctx),
    strategy: readEnum(e("strategy"), "restart.strategy", ENUMS.STRATEGIES, "one-for-one", ctx),
    intensity: readNumber(e("intensity"), "restart.intensity", 0, 65535, 5, ctx),
    periodMs: readDuration(e("period"), "restart.period", TIMEOUT_MS_MAX, 60_000, ctx, 1),
    backoffInitialMs: readDuration(b("initial"), "restart.backoff.initial", TIMEOUT_MS_MAX, 100, ctx),
    backoffMaxMs: readDuration(b("max"), "restart.backoff.max", TIMEOUT_MS_MAX, 30_000, ctx),
    backoffMultiplier: Number.isFinite(multiplier) ? Math.round(multiplier * 100) / 100 : 2,
    jitterPercent: Number.isFinite(jitter) ? Math.round(jitter * 100) : 10,
    escalation: readEnum(e("escalation"), "restart.escalation", ENUMS.ESCALATIONS, "none", ctx),
  };
  if (service.recovery.backoffInitialMs > service.recovery.backoffMaxMs) {
    ctx.error(b("initial")?.loc ?? map.loc, "restart.backoff.initial", `initial ${service.recovery.backoffInitialMs} ms is above max ${service.recovery.backoffMaxMs} ms`);
  }
}

function readBalance(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "balance", ctx);
  if (!map) return;
  checkKeys(map, SUBKEYS.balance, "balance", ctx);
  const breaker = map.entries.get("breaker")?.value ? asMap(map.entries.get("breaker")!.value, "balance.breaker", ctx) : null;
  if (breaker) checkKeys(breaker, SUBKEYS.breaker, "balance.breaker", ctx);
  const k = (key: string) => breaker?.entries.get(key)?.value;
  service.balance = {
    ...(service.balance ?? defaultBalance()),
    strategy: readEnum(map.entries.get("strategy")?.value, "balance.strategy", ENUMS.BALANCERS, "round-robin", ctx),
    // no `breaker:` key, no breaker (failures 0); `breaker: {}` gives 5 failures, 30 s, 1 probe
    breakerFailures: breaker ? readNumber(k("failures"), "balance.breaker.failures", 1, 65535, 5, ctx) : 0,
    breakerOpenMs: readDuration(k("open"), "balance.breaker.open", TIMEOUT_MS_MAX, 30_000, ctx, 1),
    breakerHalfOpen: readNumber(k("half-open"), "balance.breaker.half-open", 1, HALF_OPEN_MAX, 1, ctx),
  };
}

function readResources(node: LNode | undefined, service: Service, ctx: Context): void {
  const map = node && asMap(node, "resources", ctx);
  if (!map) return;
  checkKeys(map, SUBKEYS.resources, "resources", ctx);
  const e = (k: string) => map.entries.get(k)?.value;
  const cpuNode = e("cpu");
  const cpu = cpuNode ? Number(scalar(cpuNode)) : 0;
  if (cpuNode && !(cpu >= 0 && cpu <= 64)) ctx.error(cpuNode.loc, "resources.cpu", `expected a CPU share 0..64 (e.g. 0.25), got ${describe(cpuNode)}`);
  service.resources = {
    memoryBytes: readNumber(e("memory"), "resources.memory", 0, SAFE, 0, ctx, parseSize, "a size (e.g. 512KiB, 4MB)"),
    storageBytes: readNumber(e("storage"), "resources.storage", 0, SAFE, 0, ctx, parseSize, "a size (e.g. 512KiB, 4MB)"),
    cpuPermille: Number.isFinite(cpu) ? Math.round(Math.min(cpu, 64) * 1000) : 0,
  };
}

// ---- config keys ------------------------------------------------------------------------------

function inferType(value: unknown): ConfigType {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "int";
  return "string";
}

function readConfigKey(service: string, key: string, keyLoc: Location, node: LNode, layers: Layer[], options: ParseOptions, ctx: Context): ConfigKey | null {
  const field = `config.${key}`;
  if (!NAME.test(key)) { ctx.error(keyLoc, field, `config key '${key}' is not a name (1..32 of [A-Za-z0-9._-])`); return null; }
  const spec = node.kind === "map" ? node : null;
  if (spec) checkKeys(spec, SUBKEYS.config, `config key '${key}'`, ctx);
  const e = (k: string) => spec?.entries.get(k)?.value;
  const bare = node.kind === "scalar" ? node : undefined;
  const typeNode = e("type");
  const type: ConfigType = typeNode
    ? readEnum(typeNode, `${field}.type`, CONFIG_TYPES, "string", ctx)
    : inferType(scalar(bare ?? e("value") ?? e("default")));
  const flag = (k: string) => { const v = e(k); if (!v) return false; const b = parseBool(scalar(v)); if (b === undefined) ctx.error(v.loc, `${field}.${k}`, `expected true or false, got ${describe(v)}`); return b ?? false; };
  const numeric = type === "int" || type === "duration" || type === "size";
  const parse = type === "duration" ? parseDuration : type === "size" ? parseSize : parseInteger;
  const result: ConfigKey = {
    key, type, required: flag("required"), secret: flag("secret"), hot: flag("hot"),
    min: numeric ? readNumber(e("min"), `${field}.min`, -SAFE, SAFE, type === "int" ? -SAFE : 0, ctx, parse) : type === "string" ? readNumber(e("min"), `${field}.min`, 0, 255, 0, ctx) : 0,
    max: numeric ? readNumber(e("max"), `${field}.max`, -SAFE, SAFE, SAFE, ctx, parse) : type === "string" ? readNumber(e("max"), `${field}.max`, 0, 255, 255, ctx) : 0,
    choices: [], pattern: "",
  };
  if (result.min > result.max) ctx.error(e("min")!.loc, `${field}.min`, `min ${result.min} is above max ${result.max}`);
  const choices = e("choices");
  if (type === "enum") {
    if (!choices || choices.kind !== "seq" || choices.items.length === 0) ctx.error(choices?.loc ?? node.loc, `${field}.choices`, "an enum needs a non-empty list of choices");
    else result.choices = choices.items.map((c) => String(scalar(c)));
  } else if (choices) ctx.error(choices.loc, `${field}.choices`, `choices only apply to an enum, not ${type}`);
  const pattern = e("pattern");
  if (pattern) {
    const text = scalar(pattern);
    if (type !== "string") ctx.error(pattern.loc, `${field}.pattern`, `a pattern only applies to a string, not ${type}`);
    else if (typeof text !== "string") ctx.error(pattern.loc, `${field}.pattern`, `expected a pattern (regex:..., glob:..., or a wildcard), got ${describe(pattern)}`);
    else {
      try { patternToRegExp(text); result.pattern = text; } catch (error) { ctx.error(pattern.loc, `${field}.pattern`, `pattern '${text}' is malformed: ${(error as Error).message}`); }
    }
  }
  // Sources, lowest first: schema default < template value < service value < environment < command line.
  const sources: ValueSource[] = [];
  const defaultNode = e("default");
  if (defaultNode) sources.push({ origin: "default", loc: defaultNode.loc, raw: scalar(defaultNode) });
  for (const layer of layers) {
    const layerNode = layer.node.entries.get("config")?.value;
    const own = layerNode?.kind === "map" ? layerNode.entries.get(key)?.value : undefined;
    const valueNode = own?.kind === "scalar" ? own : own?.kind === "map" ? own.entries.get("value")?.value : undefined;
    if (valueNode) sources.push({ origin: layer.from === "service" ? "service" : "template", loc: valueNode.loc, raw: scalar(valueNode) });
  }
  if (result.secret) {
    for (const source of sources) {
      ctx.error(source.loc ?? keyLoc, field, `secret '${key}' is given in a manifest file, where it would be logged and committed; pass it as ${envName(service, key)} or --set ${service}.${key}=...`);
    }
    sources.length = 0;
  }
  const chosen = resolveConfigValue(service, key, sources, options);
  if (chosen) {
    const value = coerce(result, chosen.raw);
    if (typeof value === "string" && value.startsWith("!")) {
      ctx.error(chosen.loc ?? keyLoc, field, `${result.secret ? "the secret value" : `value ${JSON.stringify(chosen.raw)}`} from ${chosen.origin} ${value.slice(1)}`);
    } else result.value = value;
  }
  if (result.required && result.value === undefined) {
    ctx.error(keyLoc, field, `config '${key}' is required and no source gives it a value (set ${envName(service, key)} or --set ${service}.${key}=...)`);
  }
  return result;
}


/** The typed value, or "!<why>" when it does not fit the schema (never echoing a secret). */
function coerce(key: ConfigKey, raw: unknown): ConfigValue {
  if (key.type === "bool") { const v = parseBool(raw); return v === undefined ? "!is not true or false" : v; }
  if (key.type === "int" || key.type === "duration" || key.type === "size") {
    const v = key.type === "duration" ? parseDuration(raw) : key.type === "size" ? parseSize(raw) : parseInteger(raw);
    if (v === undefined) return `!is not ${key.type === "int" ? "an integer" : `a ${key.type}`}`;
    if (v < key.min || v > key.max) return `!is outside ${key.min}..${key.max}`;
    return v;
  }
  const text = raw === null || raw === undefined ? "" : String(raw);
  if (key.type === "enum") return key.choices.includes(text) ? text : `!is not one of ${key.choices.join(", ")}${key.secret ? "" : didYouMean(text, key.choices)}`;
  const length = new TextEncoder().encode(text).length;
  if (length < key.min || length > key.max) return `!is ${length} bytes; the length must be ${key.min}..${key.max}`;
  if (key.pattern && !patternToRegExp(key.pattern).test(text)) return `!does not match the pattern '${key.pattern}'`;
  return text;
}

// ---- the manifest -------------------------------------------------------------------------------

export function parseManifest(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const ctx = new Context();
  const parsed = parseYaml(text, file);
  if (!parsed.root) {
    return { manifest: null, diagnostics: parsed.diagnostics.length ? parsed.diagnostics : [{ file, line: 1, col: 1, message: "the manifest is empty" }] };
  }
  const root = asMap(parsed.root, "", ctx);
  if (!root) return { manifest: null, diagnostics: ctx.diagnostics };
  checkKeys(root, ROOT_KEYS, "the manifest", ctx);
  const templates = loadTemplates(options.templatesDir, ctx);
  const inline = root.entries.get("templates")?.value;
  if (inline) {
    const map = asMap(inline, "templates", ctx);
    for (const [name, entry] of map?.entries ?? []) {
      const node = asMap(entry.value, `templates.${name}`, ctx);
      if (node) templates.set(name, { node, from: file });
    }
  }
  const servicesNode = root.entries.get("services")?.value;
  if (!servicesNode) { ctx.error(root.loc, "services", "the manifest has no 'services' map"); return { manifest: null, diagnostics: ctx.diagnostics }; }
  const servicesMap = asMap(servicesNode, "services", ctx);
  const services: Service[] = [];
  const deps = new Map<string, DependencyRef[]>();
  const locations = new Map<string, Location>();
  for (const [name, entry] of servicesMap?.entries ?? []) {
    ctx.service = name;
    if (!NAME.test(name)) { ctx.error(entry.keyLoc, undefined, `service name '${name}' is not a name (1..32 of [A-Za-z0-9._-], starting with a letter or digit)`); continue; }
    const node = asMap(entry.value, "", ctx);
    if (!node) continue;
    const { service, deps: refs } = readService(name, layersOf(node, templates, ctx), options, ctx);
    services.push(service);
    deps.set(name, refs);
    locations.set(name, entry.keyLoc);
  }
  ctx.service = undefined;
  checkGraph(services, deps, locations, ctx);
  checkOverrides(services, options, ctx, file);
  const serialNode = root.entries.get("serial")?.value;
  const serial = options.serial ?? readNumber(serialNode, "serial", 0, U32, 0, ctx);
  const version = root.entries.get("version")?.value;
  if (version && scalar(version) !== 1) ctx.error(version.loc, "version", `manifest version ${describe(version)} is not supported; this tool writes version 1`);
  ctx.diagnostics.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
  const run: Record<string, unknown> = {};
  for (const [name, entry] of servicesMap?.entries ?? []) {
    const section = entry.value.kind === "map" ? entry.value.entries.get("run")?.value : undefined;
    if (section) run[name] = plain(section);
  }
  return { manifest: ctx.diagnostics.length ? null : { serial, services }, diagnostics: ctx.diagnostics, run };
}

function plain(node: LNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(plain);
  return Object.fromEntries([...node.entries].map(([k, v]) => [k, plain(v.value)]));
}

function checkGraph(services: Service[], deps: Map<string, DependencyRef[]>, locations: Map<string, Location>, ctx: Context): void {
  const names = new Set(services.map((s) => s.name));
  for (const service of services) {
    ctx.service = service.name;
    for (const dep of deps.get(service.name) ?? []) {
      if (dep.name === service.name) { ctx.error(dep.loc, dep.kind, `service '${service.name}' cannot depend on itself`); continue; }
      if (!names.has(dep.name)) {
        ctx.error(dep.loc, dep.kind, `service '${service.name}' ${dep.kind} '${dep.name}', which is not a service in this manifest${didYouMean(dep.name, names)}`);
        continue;
      }
      service.dependencies.push({ name: dep.name, kind: dep.kind, condition: dep.condition });
    }
    service.dependencies.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  ctx.service = undefined;
  // Kahn; whatever is left sits in or behind a cycle: follow unmet dependencies to print one.
  const pending = new Map(services.map((s) => [s.name, s.dependencies.length]));
  const dependents = new Map<string, string[]>();
  for (const s of services) for (const d of s.dependencies) dependents.set(d.name, [...(dependents.get(d.name) ?? []), s.name]);
  const queue = services.filter((s) => s.dependencies.length === 0).map((s) => s.name);
  for (let i = 0; i < queue.length; i++) {
    for (const dependent of dependents.get(queue[i]) ?? []) {
      const left = pending.get(dependent)! - 1;
      pending.set(dependent, left);
      if (left === 0) queue.push(dependent);
    }
  }
  const reported = new Set<string>();
  for (const start of services) {
    if (pending.get(start.name) === 0 || reported.has(start.name)) continue;
    const path: string[] = [];
    let at = start.name;
    while (!path.includes(at)) {
      path.push(at);
      at = services.find((s) => s.name === at)!.dependencies.find((d) => pending.get(d.name)! > 0)!.name;
    }
    const cycle = [...path.slice(path.indexOf(at)), at];
    if (cycle.some((n) => reported.has(n))) { path.forEach((n) => reported.add(n)); continue; }
    cycle.forEach((n) => reported.add(n));
    path.forEach((n) => reported.add(n));
    ctx.service = cycle[0];
    ctx.error(locations.get(cycle[0])!, "requires", `dependency cycle: ${cycle.join(" -> ")}`);
  }
  ctx.service = undefined;
}

/** Command-line overrides must name a service and a declared key. */
function checkOverrides(services: Service[], options: ParseOptions, ctx: Context, file: string): void {
  for (const override of options.overrides ?? []) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(override);
    const where = { file: "<command line>", line: 1, col: 1 };
    if (!m) { ctx.diagnostics.push({ ...where, message: `override '${override.split("=")[0]}' is not service.key=value` }); continue; }
    const service = services.find((s) => s.name === m[1]);
    if (!service) { ctx.diagnostics.push({ ...where, message: `override names service '${m[1]}', which is not in ${basename(file)}${didYouMean(m[1], services.map((s) => s.name))}` }); continue; }
    if (!service.config.some((k) => k.key === m[2])) {
      ctx.diagnostics.push({ ...where, service: m[1], field: `config.${m[2]}`, message: `override names key '${m[2]}', which service '${m[1]}' does not declare${didYouMean(m[2], service.config.map((k) => k.key))}` });
    }
  }
}

export function parseManifestFile(path: string, options: ParseOptions = {}): ParseResult {
  const display = resolve(path) === resolve(process.cwd(), basename(path)) ? basename(path) : path;
  return parseManifest(readFileSync(path, "utf8"), display, options);
}

