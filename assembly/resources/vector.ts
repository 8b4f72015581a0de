// The resource vector that node capacity, service requests and limits share: one u32 per
// dimension, in the units below. The placement layer (fleet nodes) and the resources layer (one
// node's admission) both count in these rows, so a request means the same thing to both.

/** cpu millicores, memory MiB, persistent storage MiB, temporary storage MiB, iops, bandwidth kbit/s, connections, gpu,
 *  open file descriptors, processes (pids). */
export const RESOURCES: i32 = 10;

export const RESOURCE_CPU: i32 = 0;
export const RESOURCE_MEMORY: i32 = 1;
export const RESOURCE_STORAGE: i32 = 2;
export const RESOURCE_SCRATCH: i32 = 3;
export const RESOURCE_IOPS: i32 = 4;
export const RESOURCE_BANDWIDTH: i32 = 5;
export const RESOURCE_CONNECTIONS: i32 = 6;
export const RESOURCE_GPU: i32 = 7;
export const RESOURCE_FDS: i32 = 8;
export const RESOURCE_PIDS: i32 = 9;

export function resourceName(r: i32): string {
  switch (r) {
    case RESOURCE_CPU: return "cpu";
    case RESOURCE_MEMORY: return "memory";
    case RESOURCE_STORAGE: return "storage";
    case RESOURCE_SCRATCH: return "scratch";
    case RESOURCE_IOPS: return "iops";
    case RESOURCE_BANDWIDTH: return "bandwidth";
    case RESOURCE_CONNECTIONS: return "connections";
    case RESOURCE_GPU: return "gpu";
    case RESOURCE_FDS: return "fds";
    default: return "pids";
  }
}
