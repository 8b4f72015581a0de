// `myco graph services.yaml --format dot|mermaid`: the dependency graph as the source of a
// picture (Graphviz `dot -Tsvg`, or a Mermaid block in Markdown). Services of one start wave
// share a rank; edges point from a service to what it needs:
//   requires  solid        wants  dashed        after  dotted        condition healthy: labelled
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { Manifest } from "../../manifest/types.ts";
import type { Profile } from "../../kernel/module.ts";
import { describeError } from "../../supervisor/supervisor.ts";
import { readManifest, startOrder } from "./order.ts";
import { manifestOptions, type ManifestFlags } from "./options.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export type GraphFormat = "dot" | "mermaid";

export function graphCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("graph").argument("<manifest>", "services.yaml").description("print the dependency graph (Graphviz dot or Mermaid)")
    .option("--format <format>", "dot or mermaid", "dot")
    .option("-o, --output <file>", "write it to a file instead of stdout")
    .option("--profile <name>", "kernel build profile (for the waves)", "release"))
    .action((file: string, flags: ManifestFlags & { format: string; output?: string; profile: string }) => {
      if (flags.format !== "dot" && flags.format !== "mermaid") {
        io.err(`myco graph: --format '${flags.format}' is not dot or mermaid`);
        return exit(EXIT.usage);
      }
      const manifest = readManifest(file, flags, io);
      if (!manifest) return exit(EXIT.invalid);
      let waves: string[][];
      try {
        waves = startOrder(manifest, flags.profile as Profile).waves;
      } catch (error) {
        io.err(`myco graph: ${describeError(error)}`);
        return exit(EXIT.failed);
      }
      const text = flags.format === "dot" ? toDot(manifest, waves) : toMermaid(manifest);
      if (flags.output) writeFileSync(flags.output, `${text}\n`); else io.out(text);
      exit(EXIT.ok);
    });
}

const DOT_STYLE = { requires: "solid", wants: "dashed", after: "dotted" } as const;
const MERMAID_ARROW = { requires: "-->", wants: "-.->", after: "--o" } as const;

export function toDot(manifest: Manifest, waves: string[][]): string {
  const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
  const lines = ["digraph services {", "  rankdir=BT;", '  node [shape=box, style="rounded"];'];
  waves.forEach((wave, i) => lines.push(`  { rank=same; ${wave.map(quote).join("; ")}; } // wave ${i}`));
  for (const service of manifest.services) {
    const label = `${service.name}\\n${service.instances} instance${service.instances === 1 ? "" : "s"}`;
    lines.push(`  ${quote(service.name)} [label="${label}"${service.type === "system" ? ", peripheries=2" : ""}];`);
  }
  for (const service of manifest.services) {
    for (const dep of service.dependencies) {
      const label = dep.condition === "healthy" ? ', label="healthy"' : "";
      lines.push(`  ${quote(service.name)} -> ${quote(dep.name)} [style=${DOT_STYLE[dep.kind]}${label}];`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}

export function toMermaid(manifest: Manifest): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");
  const lines = ["flowchart BT"];
  for (const service of manifest.services) {
    lines.push(`  ${id(service.name)}["${service.name} (${service.instances})"]`);
  }
  for (const service of manifest.services) {
    for (const dep of service.dependencies) {
      const arrow = MERMAID_ARROW[dep.kind];
      const label = dep.condition === "healthy" ? "|healthy|" : dep.kind === "requires" ? "" : `|${dep.kind}|`;
      lines.push(`  ${id(service.name)} ${arrow}${label} ${id(dep.name)}`);
    }
  }
  return lines.join("\n");
}
