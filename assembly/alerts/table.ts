// The layer's tables: reserved at init in every profile that has the layer, and not at all in
// one that leaves it out (limits.ALERTS_ENABLED; mcu). The condition is a compile-time constant,
// so in mcu neither the allocation nor a table header is compiled in: the layer costs no RAM.
import { ALERTS_ENABLED } from "../limits";

@inline export function table<T>(length: i32): StaticArray<T> {
  return ALERTS_ENABLED ? new StaticArray<T>(length) : changetype<StaticArray<T>>(0);
}
