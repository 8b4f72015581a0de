// `myco rollout status|history|undo|pause|resume|promote SERVICE`: a running `myco run`'s
// rollouts (assembly/rollout/), over its control socket. `undo` takes an optional revision
// (default: the last good one). A rollout starts when `myco reload` (or SIGHUP) loads a manifest
// whose run spec digest for a running service differs (the kernel decides: assembly/rollout/reload.ts).
import type { Command } from "commander";
import { ask } from "../ask.ts";
import type { Output } from "../output.ts";
import type { RolloutAction, RolloutView } from "../../supervisor/supervisor.ts";

const ACTIONS: RolloutAction[] = ["status", "history", "undo", "pause", "resume", "promote"];

function describe(service: string, action: RolloutAction, view: RolloutView): string[] {
  const s = view.status;
  if (action === "history") return view.history.map((h) => `${service} revision ${h.revision}: ${h.outcome}${h.revision === s.stable ? " (stable)" : ""}`);
  const head = `${service}: ${s.phase}, revision ${s.target}${s.phase === "idle" ? "" : ` (from ${s.stable}): ${s.updated}/${s.desired} updated`}, ${s.available} available, strategy ${s.strategy}`;
  return action === "status" ? [head, `instances on revisions: ${view.revisions.join(" ")}`, verdictLine(view)] : [`${service}: ${action} done`, head];
}

/** The error-rate verdict's window: what the new revision's runs finished in it, against the threshold. */
function verdictLine({ status: s, errorRate: e }: RolloutView): string {
  const rule = `rolls back above ${e.thresholdPercent}% once ${e.minRequests} requests`;
  if (s.phase === "idle") return `error-rate verdict: no rollout to judge (${rule} over ${e.windowMs / 1000} s)`;
  const rate = s.windowRequests === 0 ? "" : ` (${((100 * s.windowFailures) / s.windowRequests).toFixed(1)}%)`;
  return `error-rate verdict: revision ${s.target}: ${s.windowFailures} of ${s.windowRequests} requests failed${rate} in the last ${e.windowMs / 1000} s; ${rule}`;
}

export function rolloutCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("rollout").argument("<action>", ACTIONS.join(" | ")).argument("<service>", "the service's name")
    .argument("[revision]", "undo: the revision to go back to (default: the last good one)")
    .description("a running `myco run`'s rollouts: status, history, undo, pause, resume, promote")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .option("--json", "print the answer as JSON")
    .action(async (action: string, service: string, revision: string | undefined, flags: { socket?: string; json?: boolean }) => {
      if (!(ACTIONS as string[]).includes(action)) {
        io.err(`myco rollout: '${action}' is not one of ${ACTIONS.join(", ")}`);
        return exit(2);
      }
      const request = { command: "rollout" as const, action: action as RolloutAction, service, revision: revision === undefined ? undefined : Number(revision) };
      exit(await ask(io, flags.socket, request, (answer) => {
        const view = answer.rollout!;
        if (flags.json) return io.out(JSON.stringify(view));
        for (const line of describe(service, action as RolloutAction, view)) io.out(line);
      }, flags.json));
    });
}
