// Circuit-breaker reset: close the breakers of every instance of the service (the balancer's
// breakers, assembly/balance/breaker.ts), so traffic reaches it again once it is back, instead
// of waiting out an open breaker that judged the failed run. Then go on with the list.
import { breakerResetAll } from "../../balance/breaker";
import { recoveryLog, STEP_BREAKER_RESET } from "../steps";
import { CONTINUE } from "./kinds";

export function breakerReset(service: i32, slot: i32, pattern: u8): i32 {
  breakerResetAll(service);
  recoveryLog(service, STEP_BREAKER_RESET, 0, pattern, -1);
  return CONTINUE;
}
