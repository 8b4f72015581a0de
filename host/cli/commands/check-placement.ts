// What `myco check` shows of the `placement:` sections: the manifest loaded into a kernel (the
// kernel checks the sections again and decides the deployment model `auto` recommends), then one
// line per service with a section: class, assignment, scoring, deployment in force and why.
import type { Manifest } from "../../manifest/types.ts";
import { encodeManifest } from "../../manifest/blob.ts";
import { Kernel } from "../../kernel/kernel.ts";
import { KernelManifest } from "../../kernel/manifest.ts";
import { VirtualHal } from "../../hal/virtual.ts";
import { Fleet, type SpecView } from "../../kernel/placement.ts";

export interface PlacementSummary { service: string; spec: SpecView }

/** The kernel's view of every placement section (empty when none); throws the kernel's ManifestLoadError. */
export function placementSummaries(manifest: Manifest): PlacementSummary[] {
  const services = manifest.services.filter((s) => s.placement);
  if (services.length === 0) return [];
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  new KernelManifest(kernel).load(encodeManifest(manifest));
  const fleet = new Fleet(kernel);
  return services.map((s) => ({ service: s.name, spec: fleet.specOf(s.name) }));
}

export function placementLine({ service, spec }: PlacementSummary): string {
  const d = spec.deployment;
  const model = d.declared === "auto" ? `auto -> ${d.model} (${d.rationale})` : d.model;
  const shards = d.model === "native" ? `, ${d.shards} shards, ${d.rebalance} per step` : "";
  const backups = spec.backups ? `, ${spec.backups} backup${spec.backups === 1 ? "" : "s"} per instance` : "";
  return `  ${service}: placement ${spec.class}, ${spec.assignment}, ${spec.scoring}; deployment ${model}${shards}${backups}; migration ${spec.migration.strategy}`;
}
