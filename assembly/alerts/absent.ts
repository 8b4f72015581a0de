// What the alert notification exports answer in a profile that leaves the layer out (mcu):
// an error that says so. Nothing here touches the layer's tables, so none are compiled in.
import { E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";

export function alertsAbsent(): i32 {
  return fail(E_INVALID_ARGUMENT).text("alerts are not in this profile").code();
}
