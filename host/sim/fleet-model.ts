// The fleet simulator's own model of what it asked for: each service's class, request and rules,
// each node's tier and labels. The invariants judge the kernel's placements against it, never
// against the kernel's own counters.
import type { Tier, PlacementClass } from "../index.ts";

export interface ServiceModel { name: string; class: PlacementClass; request: { cpu: number; memory: number }; maxPerNode: number; forbid?: string }
export interface FleetModel { services: Map<string, ServiceModel>; nodes: Map<string, Tier>; labels: Map<string, Set<string>> }
