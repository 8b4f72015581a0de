// `array.fill(value)` as one call: AssemblyScript passes an omitted optional argument through a
// global set before every call (`~argumentsLength`) and a trampoline per type; the tables are reset
// with fill ~140 times, so it is called here once. A plain loop (memory.fill for bytes), not
// StaticArray#fill, whose clamping of start and end to the length costs ~45 bytes per element type.

/** Every element of `array` becomes `value`. */
export function fillAll<T>(array: StaticArray<T>, value: i64): void {
  if (sizeof<T>() == 1) { memory.fill(changetype<usize>(array), <u8>value, array.length); return; }
  for (let i = 0, n = array.length; i < n; i++) unchecked(array[i] = <T>value);
}
