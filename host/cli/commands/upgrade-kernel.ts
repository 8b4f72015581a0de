// `myco upgrade-kernel [FILE.wasm]`: a running `myco run` replaces its kernel module under its
// running services (like systemd's daemon-reexec): the kernel state crosses as a snapshot, the
// children, gateway connections and event log carry on. A module that does not load, refuses
// the snapshot or fails the self-check leaves the old kernel running (exit 1, the reason).
import { resolve } from "node:path";
import type { Command } from "commander";
import { ask } from "../ask.ts";
import type { Output } from "../output.ts";

export function upgradeKernelCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("upgrade-kernel").argument("[file]", "the kernel module (default: the build of the run's profile)")
    .description("replace a running `myco run`'s kernel module without stopping its services")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .action(async (file: string | undefined, flags: { socket?: string }) => {
      const request = { command: "upgrade-kernel" as const, ...(file === undefined ? {} : { file: resolve(file) }) };
      exit(await ask(io, flags.socket, request, ({ upgrade }) => {
        if (upgrade) {
          io.out(`kernel upgraded to ${upgrade.file}: ${upgrade.snapshotBytes} bytes of state carried over, `
            + `${upgrade.pauseMs.toFixed(2)} ms pause, events continue at #${upgrade.eventSeq}`);
        }
      }));
    });
}
