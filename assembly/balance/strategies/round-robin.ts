// Round robin: the eligible instances in ordinal order, one after another (nginx's round robin
// with equal weights; Envoy ROUND_ROBIN). The rotation point survives pool rebuilds: it resumes
// after the instance picked last (eligibility.ts), so an instance that becomes eligible takes
// its turn at its place in the order, and none gets two turns in a row. O(1).
import { serviceAt, poolSlotAt, SERVICE_CURSOR } from "../tables";

/** The next pool position in rotation among the first `limit` (>= 1) entries of the service at `config`. */
@inline export function rotatePosition(config: usize, limit: i32): i32 {
  let position = <i32>load<u8>(config, SERVICE_CURSOR);
  if (position >= limit) position = 0;
  store<u8>(config, <u8>(position + 1), SERVICE_CURSOR);
  return position;
}

/** The next pool position in rotation among the first `limit` (>= 1) entries, as a slot. */
@inline export function rotate(service: i32, limit: i32): i32 {
  return poolSlotAt(service, rotatePosition(serviceAt(service), limit));
}

@inline export function pickRoundRobin(service: i32, count: i32): i32 { return rotate(service, count); }
