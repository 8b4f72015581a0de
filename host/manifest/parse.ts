// services.yaml -> normalized manifest: templates resolved, every field checked (unknown keys
// with a "did you mean", wrong types, ranges), config sources merged by precedence, secrets
// kept out of the file, dependencies checked (unknown names, cycles with their whole path).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, basename, resolve } from "node:path";
import type { Manifest, Service, Dependency } from "./types.ts";
import { type Diagnostic, didYouMean } from "./diagnostics.ts";
import { parseYaml, describe, type LNode, type Location } from "./tree.ts";
import { envName, type ConfigSources } from "./sources.ts";
import {
  Context, asMap, checkKeys, scalar, readNumber, readEnum, readName, readNames, NAME, U32, INSTANCES_MAX, type Layer, type MapNode,
} from "./fields.ts";
import { readPlacement } from "./placement.ts";
import { SECTION_KEYS, readTimeouts, readHealth, readRecovery, readBalance, readWeights } from "./sections.ts";
import { readResources } from "./resources.ts";
import { readUpdate } from "./update.ts";
import { readVersions } from "./compat.ts";
import { readConfigKey } from "./config-keys.ts";
import { fromRoot } from "../package-root.ts";
export { envName };

export const DEFAULT_TEMPLATES_DIR = fromRoot("examples", "templates");

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
  "balance", "resources", "priority", "config", "run", "placement", "update", "version", "compatible",
];
const SUBKEYS: Record<string, string[]> = {
  ...SECTION_KEYS,
  instances: ["count", "weights", "addresses"],
  dependency: ["name", "condition"],
};

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

// ---- a service --------------------------------------------------------------------------------

interface DependencyRef extends Dependency { loc: Location }

function readService(name: string, layers: Layer[], options: ParseOptions, ctx: Context): { service: Service; deps: DependencyRef[] } {
  const merged = merge(layers);
  const service: Service = { name, type: "user", instances: 1, tags: [], dependencies: [], addresses: [], config: [] };
  for (const [key, { keyLoc }] of merged) {
    if (!SERVICE_KEYS.includes(key)) ctx.error(keyLoc, key, `unknown key '${key}'${didYouMean(key, SERVICE_KEYS)}; expected one of: ${SERVICE_KEYS.join(", ")}`);
  }
  const get = (key: string) => merged.get(key)?.value;
  service.type = readEnum(get("type"), "type", ["system", "user"] as const, "user", ctx);
  service.tags = [...new Set(readNames(get("tags"), "tags", ctx).map((t) => t.name))].sort();
  readResources(get("resources"), get("priority"), service, ctx); // first: scale.max bounds the addresses
  readInstances(get("instances"), service, ctx, blueGreen(get("update")));
  readTimeouts(get("timeouts"), service, ctx);
  const deps = readDependencies(merged, ctx);
  readHealth(get("health"), service, ctx);
  readRecovery(get("restart"), service, ctx);
  readBalance(get("balance"), service, ctx);
  readUpdate(get("update"), service, ctx);
  readVersions(get("version"), get("compatible"), deps, service, ctx);
  const placement = readPlacement(get("placement"), ctx);
  if (placement) service.placement = placement;
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

/** The `update:` section asks for blue-green (its whole new set needs a spare address per instance). */
function blueGreen(update: LNode | undefined): boolean {
  return update?.kind === "map" && scalar(update.entries.get("strategy")?.value) === "blue-green";
}

function readInstances(node: LNode | undefined, service: Service, ctx: Context, blueGreenSpares: boolean): void {
  if (!node) return;
  if (node.kind !== "map") { service.instances = readNumber(node, "instances", 0, INSTANCES_MAX, 1, ctx); return; }
  checkKeys(node, SUBKEYS.instances, "instances", ctx);
  service.instances = readNumber(node.entries.get("count")?.value, "instances.count", 0, INSTANCES_MAX, 1, ctx);
  const weights = node.entries.get("weights")?.value;
  if (weights) readWeights(weights, service, ctx);
  const addresses = node.entries.get("addresses")?.value;
  if (addresses) {
    if (addresses.kind !== "seq") { ctx.error(addresses.loc, "instances.addresses", `expected a list of addresses, got ${describe(addresses)}`); return; }
    addresses.items.forEach((item, ordinal) => {
      const value = scalar(item);
      if (typeof value !== "string" || !/^[\x21-\x2b\x2d-\x7e]{1,255}$/.test(value)) {
        ctx.error(item.loc, "instances.addresses", `expected an address (1..255 printable bytes, no spaces or commas), got ${describe(item)}`);
      } else if (ordinal >= Math.max(service.instances, service.resources?.scale?.max ?? 0, blueGreenSpares ? 2 * service.instances : 0)) {
        const scaling = (service.resources?.scale ? `, resources.scale.max ${service.resources.scale.max}` : "") + (blueGreenSpares ? ", blue-green: twice the count" : "");
        ctx.error(item.loc, "instances.addresses", `address ${ordinal + 1} of ${addresses.items.length} is for an instance that does not exist (count ${service.instances}${scaling})`);
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

