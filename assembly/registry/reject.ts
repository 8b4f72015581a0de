// One sentence shape for configuration errors, so each costs one call and its field name:
// "service 'pump': <field> <value> <why>".
import { sayService } from "./services";
import { fail } from "../util/detail";

export function reject(code: i32, service: i32, field: string, value: i64, why: string): i32 {
  return sayService(fail(code).text("service "), service).text(": ").text(field).text(" ").int(value).text(" ").text(why).code();
}

/** Rejects `value` outside lo..hi with "is outside lo..hi"; OK (0) otherwise. */
export function checkRange(code: i32, service: i32, field: string, value: i64, lo: i64, hi: i64): i32 {
  return value >= lo && value <= hi ? 0 : outsideRange(code, service, field, value, lo, hi);
}

/** Rejects `value` with "is outside lo..hi" (also a value inside it that the caller refuses: a
 *  strategy this profile leaves out). */
export function outsideRange(code: i32, service: i32, field: string, value: i64, lo: i64, hi: i64): i32 {
  return sayService(fail(code).text("service "), service).text(": ").text(field).text(" ").int(value)
    .text(" is outside ").int(lo).text("..").int(hi).code();
}
