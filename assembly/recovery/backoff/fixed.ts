// Fixed backoff: every restart waits `base` (systemd RestartSec=, pm2 restart_delay).
import { backoffBaseMs } from "../policy";

export function fixedDelay(service: i32, attempt: i32): i64 {
  return <i64>backoffBaseMs[service];
}
