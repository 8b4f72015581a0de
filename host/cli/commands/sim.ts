// `myco sim services.yaml --seed N --steps N [--svg timeline.svg]`: the manifest's services in
// the deterministic fault simulator. The kernel runs on virtual time with the simulated
// executor; the seed draws the fault schedule (host/sim/scenario.ts: crashes, hangs, slow
// starts, failing and flapping checks, stubborn stops, operator commands), every step is
// checked against the invariants (host/sim/invariants.ts), then the faults stop and everything
// must converge to running. The same seed replays the same run, event for event.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { Simulation } from "../../executors/simulation.ts";
import { KernelManifest } from "../../kernel/manifest.ts";
import { Recovery } from "../../kernel/recovery.ts";
import { MycoError } from "../../kernel/errors.ts";
import type { KernelEvent } from "../../kernel/abi.ts";
import type { Profile } from "../../kernel/module.ts";
import { encodeManifest } from "../../manifest/blob.ts";
import { formatDiagnostic } from "../../manifest/diagnostics.ts";
import type { Manifest } from "../../manifest/types.ts";
import { generateScenario, Dice, type ServiceSpec } from "../../sim/scenario.ts";
import { InvariantChecker } from "../../sim/invariants.ts";
import { injectFault } from "../../sim/run.ts";
import { loadHostManifest, type HostManifest } from "../../supervisor/host-manifest.ts";
import { configureService } from "../../supervisor/configure.ts";
import { recoveryPolicyOf } from "../../kernel/recovery.ts";
import type { Kernel } from "../../kernel/kernel.ts";
import { describeError } from "../../supervisor/supervisor.ts";
import { timelineSvg } from "../timeline-svg.ts";
import { runFleetSeed, type UtilisationSample } from "../../sim/fleet-run.ts";
import { utilisationSvg } from "../../sim/fleet-svg.ts";
import { serveDashboard, parseListen } from "../../dashboard/server.ts";
import { replayOf } from "../../dashboard/replay.ts";
import { untilInterrupted } from "./dashboard.ts";
import { manifestOptions, parseOptions, type ManifestFlags } from "./options.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

/** Virtual time the liveness phase may take. */
const LIVENESS_MS = 180_000;

export interface SimReport {
  ok: boolean;
  step: number;
  message: string;
  virtualMs: number;
  faultsInjected: number;
  events: KernelEvent[];
  restarts: number;
  faults: number;
  final: string[];
}

export function simCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("sim").argument("<manifest>", "services.yaml").description("run the services in the deterministic fault simulator")
    .option("--seed <n>", "the seed: the same seed replays the same run", "1")
    .option("--steps <n>", "fault-phase steps", "200")
    .option("--svg <file>", "write an SVG timeline of service states over virtual time (with --fleet: a heat map of node utilisation per tier)")
    .option("--fleet", "run the seeded fleet simulator instead (host/sim/fleet-run.ts: nodes join, die, drain, shrink; plans converge); the manifest is not read")
    .option("--json", "print the report (seed, steps, counts, final states, verdict) as JSON")
    .option("--dashboard <[host:]port>", "then replay the run in the web dashboard (time slider: pause, step, speed) until Ctrl-C")
    .option("--profile <name>", "kernel build profile (debug checks invariants inside the kernel too)", "debug"))
    .action(async (file: string, flags: ManifestFlags & { seed: string; steps: string; svg?: string; profile: string; dashboard?: string; json?: boolean; fleet?: boolean }) => {
      const seed = Number(flags.seed);
      const steps = Number(flags.steps);
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) { io.err(`myco sim: --seed '${flags.seed}' is not 0..4294967295`); return exit(EXIT.usage); }
      if (!Number.isInteger(steps) || steps < 1 || steps > 100_000) { io.err(`myco sim: --steps '${flags.steps}' is not 1..100000`); return exit(EXIT.usage); }
      if (flags.fleet) return exit(fleetSim(seed, steps, flags.svg, io));
      const { hostManifest, diagnostics } = loadHostManifest(file, parseOptions(flags));
      if (!hostManifest) {
        for (const d of diagnostics) io.err(formatDiagnostic(d));
        return exit(EXIT.invalid);
      }
      let report: SimReport;
      try {
        report = simulate(hostManifest, seed, steps, flags.profile as Profile);
      } catch (error) {
        io.err(`myco sim: ${describeError(error)}`);
        return exit(EXIT.failed);
      }
      if (flags.json) {
        const { events, ...counts } = report;
        io.out(JSON.stringify({ seed, steps, ...counts, events: events.length }));
      } else {
        io.out(`seed ${seed}: ${steps} steps, ${(report.virtualMs / 1000).toFixed(1)} s of virtual time, ${report.faultsInjected} faults injected, `
          + `${report.events.length} events, ${report.faults} faults seen, ${report.restarts} restarts`);
        io.out(`final: ${report.final.join(", ")}`);
      }
      if (flags.svg) {
        const services = hostManifest.manifest.services.map((s) => s.name);
        writeFileSync(flags.svg, timelineSvg({ services, events: report.events, endMs: report.virtualMs, title: `${file}: seed ${seed}, ${steps} steps` }));
        io.out(`timeline: ${flags.svg}`);
      }
      if (report.ok && !flags.json) io.out("every invariant held after every step, and the services converged once the faults stopped");
      else if (!report.ok) {
        io.err(`step ${report.step}: ${report.message}`);
        io.err(`reproduce with: myco sim ${file} --seed ${seed} --steps ${steps}`);
      }
      if (flags.dashboard !== undefined) {
        try {
          const replay = replayOf(`${file}: seed ${seed}, ${steps} steps`, seed, hostManifest.manifest, report.events, report);
          const server = await serveDashboard({ ...parseListen(flags.dashboard, "--dashboard"), replay });
          io.out(`replay: ${server.url}&mode=replay  (Ctrl-C to stop)`);
          await untilInterrupted();
          await server.close();
        } catch (error) {
          io.err(`myco sim: ${describeError(error)}`);
          return exit(EXIT.failed);
        }
      }
      exit(report.ok ? EXIT.ok : EXIT.failed);
    });
}

/** Runs one seed over the manifest; never throws for a broken invariant (the report says where). */
export function simulate(hostManifest: HostManifest, seed: number, steps: number, profile: Profile = "debug"): SimReport {
  const { manifest } = hostManifest;
  const dice = new Dice(seed ^ 0x6d79636f);
  const startDelayMs = new Map(manifest.services.map((s) => [s.name, dice.int(10, 300)]));
  const baseStartDelayMs = new Map(startDelayMs);
  const sim = new Simulation({
    seed, profile, worldSeed: seed ^ 0x5bd1e995, stopDelayMs: 15, jitterMs: 10,
    startDelayMs: (service) => startDelayMs.get(service) ?? 50,
  });
  new KernelManifest(sim.kernel).load(encodeManifest(manifest));
  for (const service of manifest.services) configureService(sim.kernel, service, hostManifest.run.get(service.name));
  const checker = new InvariantChecker(sim.kernel, specsOf(manifest, sim.kernel));
  const schedule = generateScenario(seed, { steps, restartsMax: 8 });
  const names = manifest.services.map((s) => s.name);
  const report: SimReport = { ok: true, step: 0, message: "", virtualMs: 0, faultsInjected: 0, events: sim.events, restarts: 0, faults: 0, final: [] };
  try {
    sim.onEvent((e) => checker.onEvent(e));
    sim.kernel.startAll();
    for (; report.step < steps; report.step++) {
      const { runMs, fault } = schedule.steps[report.step];
      if (fault) {
        // The scenario's own services are stand-ins: its faults land on the manifest's, by index.
        const service = names[Number(fault.service.slice(1)) % names.length];
        report.faultsInjected++;
        try {
          injectFault(sim, { ...fault, service }, startDelayMs, baseStartDelayMs.get(service) ?? 50);
        } catch (error) {
          if (!(error instanceof MycoError)) throw error; // a refused command is part of the game; a trap is not
        }
      }
      sim.runFor(runMs);
      checker.checkState();
    }
    converge(sim, manifest, checker);
  } catch (error) {
    report.ok = false;
    report.message = error instanceof Error ? error.message : String(error);
  }
  report.virtualMs = sim.timeMs;
  report.restarts = checker.restarts;
  report.faults = checker.faults;
  report.final = names.map((name) => `${name} ${sim.kernel.state(name)}`);
  return report;
}

/** The faults stop; failed services are reset and started; everything must run again. */
function converge(sim: Simulation, manifest: Manifest, checker: InvariantChecker): void {
  const recovery = new Recovery(sim.kernel);
  sim.executor.heal();
  for (const service of manifest.services) {
    recovery.reset(service.name);
    checker.forget(service.name);
  }
  sim.kernel.startAll();
  const names = manifest.services.map((s) => s.name);
  const settled = () => names.every((name) => sim.kernel.state(name) === "running");
  if (!sim.runUntil(settled, LIVENESS_MS)) {
    throw new Error(`liveness: not all running ${LIVENESS_MS} ms after the faults stopped: ${names.map((n) => `${n}=${sim.kernel.state(n)}`).join(" ")}`);
  }
  checker.checkState();
}

/** What the invariant checker needs to know of each service: what the kernel holds (its defaults filled in). */
function specsOf(manifest: Manifest, kernel: Kernel): ServiceSpec[] {
  return manifest.services.map((s) => ({
    name: s.name, instances: s.instances, ...kernel.timeouts(s.name), startDelayMs: 0,
    deps: s.dependencies.map((d) => ({ to: d.name, kind: d.kind, condition: d.condition })),
    policy: recoveryPolicyOf(kernel.readRecord(s.name, "recovery"), (id) => kernel.name(id)), checks: [], watchdogMs: 0,
  }));
}

/** `myco sim --fleet`: one fleet seed; its node utilisation per tier as an SVG heat map when --svg names a file. */
function fleetSim(seed: number, steps: number, svg: string | undefined, io: Output): number {
  const samples: UtilisationSample[][] = [];
  const result = runFleetSeed(seed, { steps, onStep: (_, sample) => samples.push(sample) });
  if (svg) writeFileSync(svg, utilisationSvg(samples, `myco fleet simulation, seed ${seed}: cpu utilisation per node and tier`));
  if (!result.ok) { io.err(`myco sim --fleet: ${result.message}`); return EXIT.failed; }
  io.out(`fleet seed=${seed}: ${steps} steps ok, ${result.moves} moves in ${result.rounds} planning rounds${svg ? `; ${svg}` : ""}`);
  return EXIT.ok;
}
