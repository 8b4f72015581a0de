// The demo's device: a small sensor node. The sensor driver feeds local storage; telemetry
// ships readings upstream once storage is up (and prefers a synced clock); a web UI with a few
// workers serves status; an OTA agent comes last.
import type { Kernel, DependencyKind } from "../../host/index.ts";

export interface DeviceService {
  name: string;
  type: "system" | "user";
  instances: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  dependsOn: [string, DependencyKind][];
}

export const SENSOR_NODE: DeviceService[] = [
  { name: "sensor-driver", type: "system", instances: 1, startTimeoutMs: 2000, stopTimeoutMs: 500, dependsOn: [] },
  { name: "time-sync", type: "system", instances: 1, startTimeoutMs: 3000, stopTimeoutMs: 500, dependsOn: [] },
  { name: "storage", type: "system", instances: 1, startTimeoutMs: 2000, stopTimeoutMs: 1500, dependsOn: [["sensor-driver", "requires"]] },
  {
    name: "telemetry-uplink", type: "user", instances: 2, startTimeoutMs: 5000, stopTimeoutMs: 1000,
    dependsOn: [["storage", "requires"], ["time-sync", "wants"]],
  },
  { name: "web-ui", type: "user", instances: 3, startTimeoutMs: 3000, stopTimeoutMs: 800, dependsOn: [["storage", "requires"]] },
  { name: "ota-agent", type: "user", instances: 1, startTimeoutMs: 3000, stopTimeoutMs: 500, dependsOn: [["telemetry-uplink", "after"]] },
];

/** Milliseconds each service takes to come up in the simulated world. */
export const START_DELAY_MS: Record<string, number> = {
  "sensor-driver": 120, "time-sync": 400, storage: 250, "telemetry-uplink": 300, "web-ui": 180, "ota-agent": 150,
};

export function registerDevice(kernel: Kernel, services: DeviceService[] = SENSOR_NODE): void {
  for (const s of services) {
    kernel.register(s.name, { type: s.type, instances: s.instances, startTimeoutMs: s.startTimeoutMs, stopTimeoutMs: s.stopTimeoutMs });
  }
  for (const s of services) for (const [dependency, kind] of s.dependsOn) kernel.depend(s.name, dependency, kind);
}
