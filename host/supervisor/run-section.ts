// The RUN SPEC section (blob tag 0x8B, host-only): what a native host needs to spawn a service, written
// by `myco compile` into the service's records. The kernel skips it (an unknown ancillary tag) and
// a firmware host ignores it; targets/linux reads it (src/run_spec.c). Strings are u16 length +
// UTF-8 bytes; counts are u8.
//
//   u8 version (1) | u32 needs | u8 inherit-env | str cwd | u8 argc, argc x str | u8 envc, envc x str "K=V"
//   | u8 check kind (CHECK_*, 0xff none) | u8 check added by the host (1) or the manifest's health (0)
//   | u8 ordinals, per ordinal: u8 n, n x str (tcp: host, port; http: url; command: cwd, argv...; process: none)
//
// `needs`: run features beyond argv, env and cwd (a host that cannot honour one refuses the blob
// naming the service and the feature; RUN_NEEDS below, the same bits as run_spec.h).
import type { Service } from "../manifest/types.ts";
import type { CheckSpec } from "../checks/index.ts";
import { planOf } from "./configure.ts";
import type { RunSpec } from "./host-manifest.ts";

export const TAG_RUN = 0x8b;
export const RUN_SECTION_VERSION = 1;
export const RUN_NEEDS = { ready: 1, listening: 2, confinement: 4, gateway: 8, secretEnv: 16, fileCheck: 32, resources: 64 } as const;
/** The kernel's CHECK_* kinds (assembly/health/checks.ts). */
const CHECK_KIND = { http: 0, tcp: 1, process: 2, file: 3, command: 4, custom: 5 } as const;
const NO_CHECK = 0xff;

const encoder = new TextEncoder();

class Bytes {
  private readonly parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u32(v: number): this { for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff); return this; }
  text(s: string, what: string): this {
    const b = encoder.encode(s);
    if (b.length > 0xffff) throw new RangeError(`${what} is ${b.length} bytes; the limit is 65535`);
    this.parts.push(b.length & 0xff, b.length >> 8, ...b);
    return this;
  }
  list(items: string[], what: string): this {
    if (items.length > 255) throw new RangeError(`${what} has ${items.length} entries; the limit is 255`);
    this.u8(items.length);
    for (const item of items) this.text(item, what);
    return this;
  }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

function needsOf(service: Service, run: RunSpec): number {
  const c = run.confinement;
  const confined = c !== undefined && (c.uid !== undefined || c.gid !== undefined || (c.capabilities?.length ?? 0) > 0 || c.isolation !== "process");
  return (run.ready ? RUN_NEEDS.ready : 0) | (run.readyWhenListening ? RUN_NEEDS.listening : 0) | (confined ? RUN_NEEDS.confinement : 0)
    | (run.gateway ? RUN_NEEDS.gateway : 0) | (run.secretEnv && Object.keys(run.secretEnv).length > 0 ? RUN_NEEDS.secretEnv : 0)
    | (run.check?.kind === "file" ? RUN_NEEDS.fileCheck : 0) | (service.resources ? RUN_NEEDS.resources : 0);
}

/** What a check runs against one instance, as strings (the layout's per-ordinal list). */
function targetOf(spec: CheckSpec): string[] {
  switch (spec.kind) {
    case "tcp": return [spec.host ?? "127.0.0.1", String(spec.port)];
    case "http": return [spec.url];
    case "command": return [spec.cwd ?? "", spec.command, ...(spec.args ?? [])];
    default: return [];
  }
}

/** The RUN section's payload for one service. */
export function runSection(service: Service, run: RunSpec): Uint8Array {
  const out = new Bytes().u8(RUN_SECTION_VERSION).u32(needsOf(service, run)).u8(run.inheritEnv === false ? 0 : 1)
    .text(run.cwd ?? "", `${service.name}: run.cwd`)
    .list([run.command, ...(run.args ?? [])], `${service.name}: run.command and args`)
    .list(Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`), `${service.name}: run.env`);
  const checked = run.check !== undefined || service.health !== undefined;
  if (!checked || run.check?.kind === "file") return out.u8(NO_CHECK).u8(0).u8(0).done();
  // the runner's own timeout is read from the kernel's check record by the host; any value serves here
  const plan = planOf(service, service.health, run, 1000);
  const specs = Array.from({ length: service.instances }, (_, ordinal) => plan(ordinal, () => undefined));
  out.u8(CHECK_KIND[specs[0].kind]).u8(run.check ? 1 : 0).u8(specs.length);
  for (const spec of specs) out.list(targetOf(spec), `${service.name}: check target`);
  return out.done();
}
