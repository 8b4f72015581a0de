// Restart with delay: as restart, after the backoff delay of the service's policy
// (backoff/backoff.ts), waited out in STATE_BACKOFF. Counted by restart intensity.
import { restartService } from "./restart";

export function restartWithBackoff(service: i32, slot: i32, pattern: u8): i32 {
  return restartService(service, pattern, true);
}
