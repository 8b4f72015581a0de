// The breaker in one call: a permit asked for in one export, an outcome reported in one (the
// load-balancing report, balanceRequestFinished), or both in one for a host that makes
// synchronous calls in a row. A refusal is an answer, not an error: it costs no detail text.
//
//   breakerAcquire(handle)                      1 admitted (the call counts as in flight; a
//                                               half-open breaker gives one of its probe
//                                               permits), 0 refused, < 0 a bad handle
//   breakerPass(handle, latencyMs, outcome)     reports the call that just finished (as
//                                               balanceRequestFinished) and asks the permit for
//                                               the next one: 1 / 0 / < 0 as above
//
// What an outcome changes is the same as through a pick: statistics, the breaker's window, the
// outlier detector and the fastest-response estimate (requests.ts). breakerPass's common case
// (a success on a closed breaker: requests.ts requestPassed) is O(1) integer work: two counters,
// the latency average, the window's bits and count; the rates are judged only when a failure
// or a slow call arrives, or when the window first holds minCalls calls (breaker.ts). It is one
// function: every step of it is inlined (a call between wasm functions costs more than the
// integer work itself, in V8 and in wasm2c's C alike), only the rare paths are calls.
import { WITH_BREAKER } from "../features";
import { TIMEOUT_MS_MAX } from "../limits";
import { instanceResolve, instanceLiveSlot } from "../registry/instances";
import { permitTake, requestPassed } from "./requests";
import { balanceRequestFinished } from "./abi";
import { OUTCOME_SUCCESS } from "./tables";

/** 1: the breaker admits a call now (it counts as in flight until reported); 0: refused. */
export function breakerAcquire(handle: i32): i32 {
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : permitTake(slot);
}

/** Reports the finished call (outcome 0 failure, 1 success, 2 cancelled), then asks for the next permit. */
export function breakerPass(handle: i32, latencyMs: f64, outcome: i32): i32 {
  if (WITH_BREAKER && outcome == OUTCOME_SUCCESS && latencyMs >= 0 && latencyMs <= <f64>TIMEOUT_MS_MAX) {
    const slot = instanceLiveSlot(handle); // a bad handle: the general path says why
    if (slot >= 0) {
      const admitted = requestPassed(slot, latencyMs); // the common case in O(1), or -1
      if (admitted >= 0) return admitted;
    }
  }
  const status = balanceRequestFinished(handle, latencyMs, outcome);
  return status < 0 ? status : permitTake(handle & 0xffff);
}
