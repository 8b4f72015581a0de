// Runs the firmware host: natively (optionally under valgrind memcheck) or as a Cortex-M image
// under `qemu-system-arm -semihosting`, and reads the lines main.c (or the device image's device.c) prints.
import type { Image, NativeHost } from "./build.ts";
import { command, requireTool, type CommandResult } from "../../tools/toolchain.ts";

const QEMU_TIMEOUT_MS = 120_000;
const NATIVE_TIMEOUT_MS = 120_000;

export interface HashLine { name: string; calls: number; events: number; hash: string; eventHash: string }
export interface TrapLine { call: string; kind: string; abort: string; at: string }

export interface HostOutput {
  /** The conformance line: `host <name> calls <count> events <count> hash <hex> event-hash <hex>`. */
  host: HashLine | null;
  restart: HashLine | null;
  traps: TrapLine[];
  live: { board: string; elapsedMs: number } | null;
  /** The device image's line: `device <board> spawned <n> checks <n> picks <n> restarts <n> stopped <n>`. */
  device: { board: string; spawned: number; checks: number; picks: number; restarts: number; stopped: number } | null;
  ok: boolean;
  exitCode: number;
  text: string;
}

export function parseHostOutput(result: CommandResult): HostOutput {
  const text = result.stdout + result.stderr;
  const line = (prefix: string) => new RegExp(`^${prefix} calls (\\d+) events (\\d+) hash ([0-9a-f]{16}) event-hash ([0-9a-f]{16})$`, "m").exec(text);
  const hashLine = (name: string, m: RegExpExecArray | null): HashLine | null =>
    m ? { name, calls: Number(m[1]), events: Number(m[2]), hash: m[3], eventHash: m[4] } : null;
  const host = /^host (\S+) calls/m.exec(text);
  const live = /^live (\S+) start-timeout kill after (\d+) ms$/m.exec(text);
  const device = /^device (\S+) spawned (\d+) checks (\d+) picks (\d+) restarts (\d+) stopped (\d+)$/m.exec(text);
  return {
    host: host ? hashLine(host[1], line(`host ${host[1]}`)) : null,
    restart: hashLine("restart", line("restart")),
    traps: [...text.matchAll(/^trap (\S+) kind (\S+) abort "(.*)" at (.*)$/gm)].map((m) => ({ call: m[1], kind: m[2], abort: m[3], at: m[4] })),
    live: live ? { board: live[1], elapsedMs: Number(live[2]) } : null,
    device: device ? { board: device[1], spawned: Number(device[2]), checks: Number(device[3]), picks: Number(device[4]),
      restarts: Number(device[5]), stopped: Number(device[6]) } : null,
    ok: /^myco: ok$/m.test(text) && result.code === 0,
    exitCode: result.code,
    text,
  };
}

/** Runs the native host on its built-in program, or on the program file `options.program`. */
export async function runNative(host: NativeHost, options: { valgrind?: boolean; program?: string } = {}): Promise<HostOutput> {
  const args = options.program ? [options.program] : [];
  if (!options.valgrind) return parseHostOutput(await command(host.executable, args, { timeoutMs: NATIVE_TIMEOUT_MS }));
  await requireTool("valgrind");
  const result = await command("valgrind", ["-q", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=all", host.executable, ...args],
    { timeoutMs: NATIVE_TIMEOUT_MS });
  return parseHostOutput(result);
}

export async function runImage(image: Image): Promise<HostOutput> {
  await requireTool("qemu-system-arm");
  const result = await command("qemu-system-arm", [
    "-M", image.board.machine, "-nographic", "-monitor", "none", "-serial", "null", "-semihosting", "-kernel", image.elf,
  ], { timeoutMs: QEMU_TIMEOUT_MS });
  return parseHostOutput(result);
}
