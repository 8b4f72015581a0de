// Restart: take the service (and its followers, see groups.ts) down and bring it back on the
// next tick (OTP's restart, systemd's Restart= with RestartSec=0). Counted by restart intensity.
import { restartService } from "../supervisor";

export function restartNow(service: i32, slot: i32, pattern: u8): i32 {
  return restartService(service, pattern, false);
}
