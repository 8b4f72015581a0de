// The conformance scenario (scenario.json), checked and compiled into a flat op list: the one
// form every host replays. The TypeScript hosts replay it directly (replay.ts); the C hosts get
// it as a generated header (targets/firmware/tools/gen-scenario.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SCENARIO_PATH = fileURLToPath(new URL("./scenario.json", import.meta.url));
const ERRORS_PATH = fileURLToPath(new URL("../../assembly/errors.ts", import.meta.url));

/** Op codes, shared with the C replay (the generated header defines the same numbers). */
export const OP = {
  register: 1, registerName: 2, depend: 3, hang: 4, startAll: 5, stopAll: 6, start: 7, stop: 8,
  restart: 9, run: 10, exit: 11, advance: 12, tick: 13,
} as const;
export type OpName = keyof typeof OP;

export const SERVICE_TYPES = { system: 0, user: 1 } as const;
export const DEPENDENCY_KINDS = { requires: 1, wants: 2, after: 3 } as const;

export interface ServiceSpec {
  name: string;
  type: number;
  instances: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  /** How the simulated host answers a spawn: started after delay + (random % (jitter + 1)) ms. */
  startDelayMs: number;
  startJitterMs: number;
  /** How long the simulated host takes to exit after a stop request. */
  stopDelayMs: number;
}

/**
 * One step. `service`/`target` index `services` (-1 when unused); `value`/`value2` are the op's
 * numbers (ms, ordinal, kind, status); `expect` is the exact status the kernel must return, or
 * null for "any status >= 0".
 */
export interface ScenarioOp {
  op: OpName;
  service: number;
  target: number;
  value: number;
  value2: number;
  name: string;
  expect: number | null;
}

export interface Scenario { description: string; seed: number; services: ServiceSpec[]; ops: ScenarioOp[] }

interface ScenarioFile {
  description: string;
  seed: number;
  services: Record<string, Omit<ServiceSpec, "name" | "type"> & { type: keyof typeof SERVICE_TYPES }>;
  steps: unknown[][];
}

function errorCodes(): Map<string, number> {
  const codes = new Map<string, number>();
  for (const m of readFileSync(ERRORS_PATH, "utf8").matchAll(/^export const (E_\w+): i32 = (-\d+);$/gm)) codes.set(m[1], Number(m[2]));
  return codes;
}

function int(value: unknown, where: string, min = -0x80000000, max = 0x7fffffff): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${where}: ${JSON.stringify(value)} is not an integer in ${min}..${max}`);
  }
  return value;
}

/** Reads and compiles the scenario; every name, number and expected error is checked here. */
export function loadScenario(path: string = SCENARIO_PATH): Scenario {
  const file = JSON.parse(readFileSync(path, "utf8")) as ScenarioFile;
  const codes = errorCodes();
  const services: ServiceSpec[] = Object.entries(file.services).map(([name, s]) => {
    const type = SERVICE_TYPES[s.type];
    if (type === undefined) throw new Error(`${path}: service ${name}: type must be system or user`);
    return { ...s, name, type };
  });
  const indexOf = (name: unknown, where: string): number => {
    const index = services.findIndex((s) => s.name === name);
    if (index < 0) throw new Error(`${where}: no service '${String(name)}' in "services"`);
    return index;
  };
  const expectOf = (name: unknown, where: string): number | null => {
    if (name === undefined) return null;
    const code = codes.get(String(name));
    if (code === undefined) throw new Error(`${where}: '${String(name)}' is not an error code of assembly/errors.ts`);
    return code;
  };
  const ops = file.steps.map((step, i): ScenarioOp => {
    const where = `${path}: step ${i + 1} ${JSON.stringify(step)}`;
    const [name, a, b, c, d] = step;
    if (typeof name !== "string" || !(name in OP)) throw new Error(`${where}: unknown op`);
    const op: ScenarioOp = { op: name as OpName, service: -1, target: -1, value: 0, value2: 0, name: "", expect: null };
    switch (op.op) {
      case "register": case "start": case "stop": case "restart":
        op.service = indexOf(a, where); op.expect = expectOf(b, where); break;
      case "registerName":
        op.name = String(a); op.expect = expectOf(b, where); break;
      case "depend": {
        op.service = indexOf(a, where);
        op.value = DEPENDENCY_KINDS[b as keyof typeof DEPENDENCY_KINDS] ?? int(undefined, `${where}: kind`);
        op.target = indexOf(c, where);
        op.expect = expectOf(d, where);
        break;
      }
      case "hang": op.service = indexOf(a, where); op.value = int(b, where, 0); break;
      case "exit": op.service = indexOf(a, where); op.value = int(b, where, 0); op.value2 = int(c, where); break;
      case "run": case "advance": op.value = int(a, where, 0); break;
      case "startAll": case "stopAll": case "tick": break;
    }
    return op;
  });
  return { description: file.description, seed: int(file.seed, `${path}: seed`, 0, 0xffffffff), services, ops };
}
