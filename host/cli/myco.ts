// The myco CLI: one subcommand per file in host/cli/commands/, registered here.
import { Command } from "commander";
import { checkCommand } from "./commands/check.ts";
import { compileCommand } from "./commands/compile.ts";
import { runCommand } from "./commands/run.ts";
import { orderCommand } from "./commands/order.ts";
import { graphCommand } from "./commands/graph.ts";
import { statusCommand } from "./commands/status.ts";
import { logsCommand } from "./commands/logs.ts";
import { serviceVerbCommands } from "./commands/service-verbs.ts";
import { dashboardCommand } from "./commands/dashboard.ts";
import { completionCommand } from "./commands/completion.ts";
import { initCommand } from "./commands/init.ts";
import { upCommand, downCommand } from "./commands/detach.ts";
import { alertsCommand } from "./commands/alerts.ts";
import { EXAMPLES } from "./examples.ts";
import { reloadCommand } from "./commands/reload.ts";
import { auditCommand } from "./commands/audit.ts";
import { secretCommand } from "./commands/secret.ts";
import { rolloutCommand } from "./commands/rollout.ts";
import { simCommand } from "./commands/sim.ts";
import { upgradeKernelCommand } from "./commands/upgrade-kernel.ts";
import { EXIT_CODES_HELP } from "./exit-codes.ts";
import { agentCommand, coordinatorCommand } from "./commands/fleet-daemons.ts";
import { fleetCommand } from "./commands/fleet.ts";
import type { Output } from "./output.ts";


const COMMANDS = [
  initCommand, checkCommand, compileCommand, runCommand, upCommand, downCommand, orderCommand, graphCommand, statusCommand, logsCommand,
  serviceVerbCommands, reloadCommand, rolloutCommand, alertsCommand, auditCommand, secretCommand, dashboardCommand, simCommand, completionCommand,
  upgradeKernelCommand, agentCommand, coordinatorCommand, fleetCommand,
];

/** Runs the CLI; resolves to the exit code (0 ok, 1 invalid input, 2 usage). */
export async function main(argv: string[], io: Output = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const program = new Command("myco")
    .description("Myco: a service-manager kernel for microcontrollers and fixed-memory runtimes")
    .addHelpText("after", EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .option("--as <role>", "act over the control socket as viewer, operator or admin (default admin, or MYCO_ROLE)");
  // The role picks the credential file controlRequest sends (credentials.ts); restored afterwards.
  const roleBefore = process.env.MYCO_ROLE;
  program.hook("preAction", () => {
    const role = program.opts<{ as?: string }>().as;
    if (role !== undefined) process.env.MYCO_ROLE = role;
  });
  let code = 0;
  for (const register of COMMANDS) register(program, io, (exit) => { code = exit; });
  for (const command of program.commands) {
    const example = EXAMPLES[command.name()];
    if (example) command.addHelpText("after", `\nExamples:\n${example.map((line) => `  ${line}`).join("\n")}`);
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    if (exitCode !== undefined) return exitCode === 0 ? 0 : 2;
    throw error;
  } finally {
    if (roleBefore === undefined) delete process.env.MYCO_ROLE; else process.env.MYCO_ROLE = roleBefore;
  }
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv);
