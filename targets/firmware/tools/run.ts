// Runs the firmware host: natively (optionally under valgrind memcheck) or as a Cortex-M image
// under `qemu-system-arm -semihosting`, and reads the lines main.c prints.
import type { Image, NativeHost } from "./build.ts";
import { command, requireTool, type CommandResult } from "../../tools/toolchain.ts";

const QEMU_TIMEOUT_MS = 120_000;
const NATIVE_TIMEOUT_MS = 120_000;

export interface HashLine { name: string; events: number; hash: string }
export interface TrapLine { call: string; kind: string; abort: string; at: string }

export interface HostOutput {
  /** The conformance line: `host <name> events <count> hash <hex>`. */
  host: HashLine | null;
  restart: HashLine | null;
  traps: TrapLine[];
  live: { board: string; elapsedMs: number } | null;
  ok: boolean;
  exitCode: number;
  text: string;
}

export function parseHostOutput(result: CommandResult): HostOutput {
  const text = result.stdout + result.stderr;
  const host = /^host (\S+) events (\d+) hash ([0-9a-f]{16})$/m.exec(text);
  const restart = /^restart events (\d+) hash ([0-9a-f]{16})$/m.exec(text);
  const live = /^live (\S+) start-timeout kill after (\d+) ms$/m.exec(text);
  return {
    host: host ? { name: host[1], events: Number(host[2]), hash: host[3] } : null,
    restart: restart ? { name: "restart", events: Number(restart[1]), hash: restart[2] } : null,
    traps: [...text.matchAll(/^trap (\S+) kind (\S+) abort "(.*)" at (.*)$/gm)].map((m) => ({ call: m[1], kind: m[2], abort: m[3], at: m[4] })),
    live: live ? { board: live[1], elapsedMs: Number(live[2]) } : null,
    ok: /^myco: ok$/m.test(text) && result.code === 0,
    exitCode: result.code,
    text,
  };
}

export async function runNative(host: NativeHost, options: { valgrind?: boolean } = {}): Promise<HostOutput> {
  if (!options.valgrind) return parseHostOutput(await command(host.executable, [], { timeoutMs: NATIVE_TIMEOUT_MS }));
  await requireTool("valgrind");
  const result = await command("valgrind", ["-q", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=all", host.executable],
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
