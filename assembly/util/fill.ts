// `array.fill(value)` as one call: AssemblyScript passes an omitted optional argument through a
// global set before every call (`~argumentsLength`) and a trampoline per type; the tables are reset
// with fill ~140 times, so the start and end are passed here, once.

/** Every element of `array` becomes `value`. */
export function fillAll<T>(array: StaticArray<T>, value: i64): void { array.fill(<T>value, 0, array.length); }
