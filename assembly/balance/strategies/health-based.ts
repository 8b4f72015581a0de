// Health-based: healthy (and not yet checked) instances first, in rotation; degraded instances
// only when no healthy one is eligible; unhealthy ones never, except under the panic rule, which
// balances across every member (Envoy's healthy/degraded priority and healthy_panic_threshold;
// eligibility.ts lays the tiers out). O(1).
import { rotate } from "./round-robin";
import { serviceAt, SERVICE_POOL_PREFERRED } from "../tables";

@inline export function pickHealthBased(service: i32, count: i32): i32 {
  const preferred = <i32>load<u8>(serviceAt(service), SERVICE_POOL_PREFERRED);
  return rotate(service, preferred > 0 ? preferred : count);
}
