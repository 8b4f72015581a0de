// The values a restore checks one by one before it changes anything: columns whose entries are
// indexes into other tables or enumerations. The CRC-32 proves the bytes are the ones a writer
// produced; these prove the snapshot cannot make the kernel index out of its tables (a snapshot
// damaged or forged with a matching CRC). The list is code, not a table: it costs no RAM.
//
// A layer adds an index column with one more `case` in `column` (and COLUMNS + 1): the column,
// and the allowed range lo..hi inclusive. Entries of 1, 2 or 4 bytes (4 is read signed).
import { SERVICES_MAX, INSTANCES_MAX, INSTANCES_PER_SERVICE_MAX, EDGES_MAX } from "../limits";
import { instanceService, instanceState } from "../registry/instances";
import { serviceState, serviceInstanceSlots, serviceInstanceCount } from "../registry/services";
import { STATE_COUNT } from "../registry/states";
import { edgeFrom, edgeTo, edgeNextOut, edgeNextIn, firstDependency, firstDependent } from "../graph/edges";
import { orderIds } from "../graph/order";

const COLUMNS: i32 = 12;

// The column `column(c)` selected: its address, entry bytes, entries and range.
let at: usize = 0;
let size: usize = 0;
let count: i32 = 0;
let lo: i32 = 0;
let hi: i32 = 0;

function set<T>(values: StaticArray<T>, low: i32, high: i32): void {
  at = changetype<usize>(values);
  size = sizeof<T>();
  count = values.length;
  lo = low;
  hi = high;
}

function column(c: i32): void {
  switch (c) {
    case 0: set(instanceService, 0, SERVICES_MAX - 1); break;
    case 1: set(instanceState, 0, STATE_COUNT - 1); break;
    case 2: set(serviceState, 0, STATE_COUNT - 1); break;
    case 3: set(serviceInstanceSlots, 0, INSTANCES_MAX - 1); break;
    case 4: set(serviceInstanceCount, 0, INSTANCES_PER_SERVICE_MAX); break;
    case 5: set(edgeFrom, 0, SERVICES_MAX - 1); break;
    case 6: set(edgeTo, 0, SERVICES_MAX - 1); break;
    case 7: set(edgeNextOut, -1, EDGES_MAX - 1); break;
    case 8: set(edgeNextIn, -1, EDGES_MAX - 1); break;
    case 9: set(firstDependency, -1, EDGES_MAX - 1); break;
    case 10: set(firstDependent, -1, EDGES_MAX - 1); break;
    default: set(orderIds, 0, SERVICES_MAX - 1); break;
  }
}

/** The column and value found out of range by the last failed checkColumns. */
export let badColumn: i32 = -1;
export let badValue: i32 = 0;

/**
 * Checks the entries of every column that lie in [address, address + bytes), read from `image`
 * (the bytes that would be copied there). Entries are naturally aligned and chunks are multiples
 * of 8 bytes, so an entry never straddles two chunks. True when all pass.
 */
export function checkColumns(address: usize, image: usize, bytes: usize): bool {
  const end = address + bytes;
  for (let c = 0; c < COLUMNS; c++) {
    column(c);
    const to = min(at + size * <usize>count, end);
    for (let p = max(at, address); p < to; p += size) {
      const source = image + (p - address);
      const value = size == 1 ? <i32>load<u8>(source) : size == 2 ? <i32>load<u16>(source) : load<i32>(source);
      if (value < lo || value > hi) {
        badColumn = c;
        badValue = value;
        return false;
      }
    }
  }
  return true;
}
