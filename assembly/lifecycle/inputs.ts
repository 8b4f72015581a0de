// What the upper layers tell the lifecycle, as data in columns the lifecycle owns, so that it
// never asks them (and never imports them):
//   serviceHealthy     health writes it with every service health change: a dependency edge
//                      with the `healthy` condition (compose service_healthy) opens on it
//   serviceRecovering  recovery writes it: a FAILED service on its way to a restart, so its
//                      dependents wait instead of giving up
//   serviceHeld        resources writes it: a starting service waiting in the admission queue for
//                      capacity; it spawns nothing until admitted (a null column without the layer)
//   successExits       recovery's configuration writes it: bit c set, exit code c (0..63) counts
//                      as success (systemd SuccessExitStatus=); signals never do
import { SERVICES_MAX } from "../limits";
import { WITH_RESOURCES } from "../features";

export const serviceHealthy = new StaticArray<bool>(SERVICES_MAX);
export const serviceRecovering = new StaticArray<bool>(SERVICES_MAX);
export const successExits = new StaticArray<u64>(SERVICES_MAX);
export const serviceHeld: StaticArray<bool> = WITH_RESOURCES ? new StaticArray<bool>(SERVICES_MAX) : changetype<StaticArray<bool>>(0);

/** Exit status `status` (>= 0 a code, < 0 a signal) counts as success for the service. */
export function exitIsSuccess(service: i32, status: i32): bool {
  return status >= 0 && status < 64 && (successExits[service] & (<u64>1 << <u64>status)) != 0;
}
