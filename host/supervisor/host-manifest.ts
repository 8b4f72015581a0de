// services.yaml for a real host: the manifest (host/manifest/, what the kernel loads) plus each
// service's `run:` section, which only a host that spawns processes needs and a firmware blob
// never carries:
//
//   services:
//     web:
//       instances: { count: 3, addresses: ["127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103"] }
//       health: { check: http, target: "http://127.0.0.1/healthz", interval: 1s, timeout: 500ms }
//       run:
//         command: node                  # PATH lookup, or a path relative to the manifest
//         args: [web.js]
//         cwd: services                  # relative to the manifest's directory (default: it)
//         env: { GREETING: hello }
//         ready: listening               # started once its address accepts connections (or: 200ms)
//         check: { kind: file, path: /tmp/web.heartbeat, max-age: 5s }   # host-only check kinds
//         gateway: { port: 8080, strategy: ip-hash, hash: { header: x-user }, timeout: 5s }   # or mode: tcp (gateway-manifest.ts)
//
// The manifest parser accepts `run:` and leaves it alone (host/manifest/parse.ts); this file
// checks it, with FILE:LINE:COL for every problem, and types it.
import { readFileSync } from "node:fs";
import { dirname, resolve, basename } from "node:path";
import { parseDocument, LineCounter, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { parseManifest, type ParseOptions } from "../manifest/parse.ts";
import type { Diagnostic } from "../manifest/diagnostics.ts";
import type { Manifest, Service } from "../manifest/types.ts";
import { parseDuration } from "../manifest/values.ts";
import type { ProcessSpec } from "../executors/process.ts";
import { readAlerts, type AlertsSpec } from "./alerts-manifest.ts";
import { readGateway, type GatewaySpec } from "./gateway-manifest.ts";
import { readConfinement, CONFINEMENT_KEYS, type ConfinementSpec } from "./confinement-manifest.ts";
import { rootRuleDiagnostics, runAsOf } from "./root-rule.ts";
import { runDigestOf } from "./run-digest.ts";

/** A host-only check: the kinds the manifest's `health.check` does not name. */
export type RunCheck =
  | { kind: "process" }
  | { kind: "file"; path: string; maxAgeMs?: number }
  | { kind: "command"; command: string; args: string[] }
  | { kind: "http"; url: string }
  | { kind: "tcp"; host?: string; port?: number };

export type { GatewaySpec } from "./gateway-manifest.ts";

export interface RunSpec extends ProcessSpec {
  confinement?: ConfinementSpec;
  /** Variables whose value is a secret of the encrypted store (variable -> secret name), decrypted at each spawn. */
  secretEnv?: Record<string, string>;
  /** `ready: listening`: started once the instance's own address accepts connections. */
  readyWhenListening?: boolean;
  check?: RunCheck;
  gateway?: GatewaySpec;
}

export interface HostManifest {
  /** The file as given, and its directory (relative paths in `run:` are resolved against it). */
  file: string;
  dir: string;
  manifest: Manifest;
  run: Map<string, RunSpec>;
  /** Where alerts are delivered (the `alerts:` section), if the file has one. */
  alerts?: AlertsSpec;
}

export interface HostManifestResult {
  hostManifest: HostManifest | null;
  diagnostics: Diagnostic[];
}

const RUN_KEYS = ["command", "args", "cwd", "env", "inherit-env", "ready", "check", "gateway", ...CONFINEMENT_KEYS];
const CHECK_KEYS: Record<RunCheck["kind"], string[]> = {
  process: ["kind"], file: ["kind", "path", "max-age"], command: ["kind", "command", "args"], http: ["kind", "url"], tcp: ["kind", "host", "port"],
};

export function loadHostManifest(path: string, options: ParseOptions = {}): HostManifestResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { hostManifest: null, diagnostics: [{ file: path, line: 1, col: 1, message: `cannot read the manifest: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }] };
  }
  const display = resolve(path) === resolve(process.cwd(), basename(path)) ? basename(path) : path;
  return parseHostManifest(text, display, dirname(resolve(path)), options);
}

export function parseHostManifest(text: string, file: string, dir: string, options: ParseOptions = {}): HostManifestResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const run = new Map<string, RunSpec>();
  const gatewayAt = new Map<string, Location>();
  const readyAt = new Map<string, Location>();
  const userAt = new Map<string, Location>();
  const runAt = new Map<string, Location>();
  let alerts: AlertsSpec | undefined;
  if (doc.errors.length === 0 && isMap(doc.contents)) {
    const services = doc.contents.get("services", true);
    for (const pair of isMap(services) ? services.items : []) {
      if (!isPair(pair) || !isMap(pair.value) || !isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const section = pair.value.get("run", true);
      if (section === undefined) continue;
      const at = (node: unknown) => locate(lines, file, (node as Node | null)?.range?.[0] ?? 0);
      const spec = readRun(section, name, dir, at, diagnostics);
      if (spec) run.set(name, spec);
      runAt.set(name, at(section));
      if (spec?.gateway && isMap(section)) gatewayAt.set(name, at(section.get("gateway", true)));
      if (spec?.readyWhenListening && isMap(section)) readyAt.set(name, at(section.get("ready", true)));
      if (spec?.confinement?.userNode !== undefined) userAt.set(name, at(spec.confinement.userNode));
    }
    const names = new Set(isMap(services) ? services.items.map((p) => (isScalar(p.key) ? String(p.key.value) : "")) : []);
    const at = (node: unknown) => locate(lines, file, (node as Node | null)?.range?.[0] ?? 0);
    alerts = readAlerts(doc.contents.get("alerts", true), dir, names, (node, field, message) => diagnostics.push({ ...at(node), field, message }));
  }
  const parsed = parseManifest(text, file, options);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.manifest) checkAgainstManifest(parsed.manifest, run, { gateway: gatewayAt, ready: readyAt }, diagnostics);
  if (parsed.manifest && diagnostics.length === 0) {
    // every service the host spawns tells the kernel who it runs as; the kernel's root rule decides
    for (const service of parsed.manifest.services) {
      const spec = run.get(service.name);
      if (!spec) continue;
      service.runAs = runAsOf(spec.confinement);
      service.runDigest = runDigestOf(spec, service.version); // a change is the kernel's to judge (a new revision or not)
    }
    diagnostics.push(...rootRuleDiagnostics(parsed.manifest, (name) => userAt.get(name) ?? runAt.get(name) ?? { file, line: 1, col: 1 }));
  }
  diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  if (!parsed.manifest || diagnostics.length > 0) return { hostManifest: null, diagnostics };
  return { hostManifest: { file, dir, manifest: parsed.manifest, run, alerts }, diagnostics };
}

type Location = { file: string; line: number; col: number };

/** `{ secret: NAME }`: the name of a secret in the encrypted store (secret-store.ts). */
function readSecretReference(node: { items: { key: unknown; value: unknown }[] }, error: (where: unknown, message: string) => void): string | undefined {
  const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
  const value = node.items.find((p) => isScalar(p.key) && p.key.value === "secret")?.value;
  const name = isScalar(value) ? value.value : undefined;
  if (keys.length !== 1 || typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    error(node, "expected a text value, or { secret: NAME } naming a secret of the encrypted store (myco secret set NAME)");
    return undefined;
  }
  return name;
}

function locate(lines: LineCounter, file: string, offset: number): Location {
  const { line, col } = lines.linePos(offset);
  return { file, line, col };
}

type At = (node: unknown) => Location;

function readRun(node: unknown, service: string, dir: string, at: At, diagnostics: Diagnostic[]): RunSpec | null {
  const error = (where: unknown, field: string, message: string) => diagnostics.push({ ...at(where), service, field, message });
  if (!isMap(node)) { error(node, "run", "expected a map with at least a command"); return null; }
  const get = (key: string): unknown => node.get(key, true);
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!RUN_KEYS.includes(key)) error(pair.key, `run.${key}`, `unknown key '${key}' in run; expected one of: ${RUN_KEYS.join(", ")}`);
  }
  const command = scalarText(get("command"));
  if (!command) { error(get("command") ?? node, "run.command", "run needs a command (a program on the PATH or a path)"); return null; }
  const spec: RunSpec = { command: command.includes("/") ? resolve(dir, command) : command, cwd: dir };
  const args = get("args");
  if (args !== undefined) {
    if (!isSeq(args) || !args.items.every((a) => isScalar(a) && a.value !== null)) error(args, "run.args", "expected a list of arguments");
    else spec.args = args.items.map((a) => String((a as { value: unknown }).value));
  }
  const cwd = get("cwd");
  if (cwd !== undefined) {
    const text = scalarText(cwd);
    if (!text) error(cwd, "run.cwd", "expected a directory"); else spec.cwd = resolve(dir, text);
  }
  const env = get("env");
  if (env !== undefined) {
    if (!isMap(env)) error(env, "run.env", "expected a map of variables");
    else {
      spec.env = {};
      for (const pair of env.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : "";
        const value = isScalar(pair.value) ? pair.value.value : undefined;
        if (isMap(pair.value) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          const secret = readSecretReference(pair.value, (where, message) => error(where, `run.env.${name}`, message));
          if (secret !== undefined) (spec.secretEnv ??= {})[name] = secret;
          continue;
        }
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) error(pair.key, "run.env", `'${name}' is not a variable name`);
        else if (value === undefined || (typeof value === "object" && value !== null)) error(pair.value ?? pair.key, `run.env.${name}`, "expected a text, number or boolean value");
        else spec.env[name] = value === null ? "" : String(value);
      }
    }
  }
  const inherit = get("inherit-env");
  if (inherit !== undefined) {
    const value = isScalar(inherit) ? inherit.value : undefined;
    if (typeof value !== "boolean") error(inherit, "run.inherit-env", "expected true or false"); else spec.inheritEnv = value;
  }
  const ready = get("ready");
  if (ready !== undefined) {
    const value = isScalar(ready) ? ready.value : undefined;
    const ms = parseDuration(value);
    if (value === "listening") spec.readyWhenListening = true;
    else if (ms === undefined) error(ready, "run.ready", "expected 'listening' or a duration such as 200ms");
    else spec.ready = { afterMs: ms };
  }
  const check = get("check");
  if (check !== undefined) spec.check = readCheck(check, dir, (where, field, message) => error(where, field, message)) ?? undefined;
  const gateway = get("gateway");
  if (gateway !== undefined) spec.gateway = readGateway(gateway, (where, field, message) => error(where, field, message)) ?? undefined;
  spec.confinement = readConfinement(node, error);
  return spec;
}

type Report = (where: unknown, field: string, message: string) => void;

function readCheck(node: unknown, dir: string, error: Report): RunCheck | null {
  if (!isMap(node)) { error(node, "run.check", "expected a map with a kind"); return null; }
  const kind = scalarText(node.get("kind", true)) as RunCheck["kind"] | undefined;
  if (!kind || !(kind in CHECK_KEYS)) {
    error(node.get("kind", true) ?? node, "run.check.kind", `expected one of: ${Object.keys(CHECK_KEYS).join(", ")}`);
    return null;
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!CHECK_KEYS[kind].includes(key)) error(pair.key, `run.check.${key}`, `unknown key '${key}' for a ${kind} check; expected one of: ${CHECK_KEYS[kind].join(", ")}`);
  }
  const text = (key: string): string | undefined => scalarText(node.get(key, true));
  switch (kind) {
    case "process": return { kind };
    case "file": {
      const path = text("path");
      if (!path) { error(node, "run.check.path", "a file check needs a path"); return null; }
      const age = node.get("max-age", true);
      const maxAgeMs = age === undefined ? undefined : parseDuration(isScalar(age) ? age.value : undefined);
      if (age !== undefined && maxAgeMs === undefined) error(age, "run.check.max-age", "expected a duration such as 5s");
      return { kind, path: resolve(dir, path), maxAgeMs };
    }
    case "command": {
      const command = text("command");
      if (!command) { error(node, "run.check.command", "a command check needs a command"); return null; }
      const args = node.get("args", true);
      const list = isSeq(args) ? args.items.map((a) => String(isScalar(a) ? a.value : "")) : [];
      return { kind, command: command.includes("/") ? resolve(dir, command) : command, args: list };
    }
    case "http": {
      const url = text("url");
      if (!url || !/^http:\/\//.test(url)) { error(node.get("url", true) ?? node, "run.check.url", "expected an http:// URL"); return null; }
      return { kind, url };
    }
    case "tcp": {
      const port = node.get("port", true);
      const value = port === undefined ? undefined : Number(isScalar(port) ? port.value : NaN);
      if (value !== undefined && !(Number.isInteger(value) && value > 0 && value < 65536)) error(port, "run.check.port", "expected a port 1..65535");
      return { kind, host: text("host"), port: value };
    }
  }
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === "object") return undefined;
  const text = String(node.value);
  return text === "" ? undefined : text;
}

/** Cross-checks: a gateway needs instance addresses; two gateways cannot share a port. */
function checkAgainstManifest(manifest: Manifest, run: Map<string, RunSpec>, at: { gateway: Map<string, Location>; ready: Map<string, Location> }, diagnostics: Diagnostic[]): void {
  const { gateway: gatewayAt, ready: readyAt } = at;
  const ports = new Map<number, string>();
  const byName = new Map<string, Service>(manifest.services.map((s) => [s.name, s]));
  for (const [name, spec] of run) {
    const service = byName.get(name);
    const needed = service ? addressesNeeded(service) : 0;
    if (service && spec.readyWhenListening && service.addresses.length < needed) {
      diagnostics.push({ ...readyAt.get(name)!, service: name, field: "run.ready", message: `'ready: listening' needs an address for every instance (instances.addresses: ${service.addresses.length} of ${needed})` });
    }
    if (!service || !spec.gateway) continue;
    if (service.addresses.length < needed) {
      diagnostics.push({ ...gatewayAt.get(name)!, service: name, field: "run.gateway", message: `a gateway needs an address for every instance (instances.addresses: ${service.addresses.length} of ${needed})` });
    }
    const other = spec.gateway.port !== 0 ? ports.get(spec.gateway.port) : undefined;
    if (other) diagnostics.push({ ...gatewayAt.get(name)!, service: name, field: "run.gateway.port", message: `port ${spec.gateway.port} is the gateway port of '${other}' too` });
    ports.set(spec.gateway.port, name);
  }
}

/** Every instance the service may have: its count, or up to `resources.scale.max` when it scales. */
function addressesNeeded(service: Service): number {
  return Math.max(service.instances, service.resources?.scale?.max ?? 0);
}

/** host:port of an address such as "127.0.0.1:7101", "http://127.0.0.1:7101", ":7101". */
export function splitAddress(address: string): { host: string; port: number } | null {
  const m = /^(?:[a-z]+:\/\/)?(\[[^\]]+\]|[^:/]*):(\d{1,5})\/?$/i.exec(address);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1].replace(/^\[|\]$/g, "") || "127.0.0.1", port };
}
