// The tiny profile's table accesses with the table's address in the access. Once the tables sit
// at build-time addresses (tiny-tables.ts), `table[i]` is a call of asc's accessor with a
// constant, `StaticArray<u16>#__uget(ADDR, i)`, whose body is
// `i32.load16_u (i32.add (ptr) (i32.shl (index) (1)))`: binaryen does not inline it, as the add
// and the constant cost more inlined than the call. Here the address moves into the access, as
// its offset (`i32.load16_u offset=ADDR (i32.shl (i) (1))`), 839 bytes in all:
// - a table with ACCESSOR_CALLS_MIN calls or more gets an accessor of its own, which takes the
//   index alone: each call is the constant shorter, for one small function;
// - a byte table's other accesses are written out (`i32.load8_u offset=ADDR (i)`), a byte
//   shorter than the call; a wider table's would be longer (the shift), so they keep their call;
// - an access whose address is a sum with a table's address (a record's field,
//   `load<u32>(slotAt(slot), FIELD)`: `i32.load offset=FIELD (i32.add (i32.const ADDR) (x))`)
//   takes the address into its offset, without the add and the constant.
// The same access for every address in a table; a sum past the address space's end (a negative
// index or record, from corrupted memory) now traps where the add wrapped it to the memory below
// the table, as the checked profiles' `Index out of range` traps.
import binaryen from "binaryen";
import { expressions } from "./binaryen-setters.ts";
import { rewrite, walk } from "./binaryen-walk.ts";

type Ref = binaryen.ExpressionRef;

/** A table's accesses from this many calls on take an accessor of its own (measured: from 5 or 7
 *  on, 10 and 19 bytes more; from 4 or 8 on, 50 and 36). */
const ACCESSOR_CALLS_MIN = 6;

/** An accessor's access: `load (add (param 0) (shl (param 1) (shift)))` (no shift: a byte), or
 *  the store of param 2 there. */
interface Access { store: boolean; type: binaryen.Type; bytes: number; signed: boolean; shift: number }

/** Rewrites every accessor call with a constant table address, and every access at a sum with
 *  one (see the file); the tables lie from `heapStart` on (tiny-tables.ts). */
export function accessTablesByOffset(module: binaryen.Module, heapStart: number): void {
  const accessors = tableAccessors(module);
  const calls = new Map<string, number>(); // by accessor and address
  const tableCall = (info: binaryen.ExpressionInfo) => {
    if (info.id !== binaryen.CallId) return undefined;
    const { target, operands } = info as binaryen.CallInfo;
    const access = accessors.get(target);
    if (access === undefined) return undefined;
    const table = binaryen.getExpressionInfo(operands[0]) as binaryen.ConstInfo;
    if (table.id !== binaryen.ConstId) return undefined;
    const address = table.value as number;
    return { access, address, key: `${target}@${address}`, operands };
  };
  forEachBody(module, (body) => walk(body, (_, info) => {
    const call = tableCall(info);
    if (call) calls.set(call.key, (calls.get(call.key) ?? 0) + 1);
  }));
  const own = new Set<string>();
  forEachBody(module, (body, func) => expressions.Function.setBody(func, rewrite(body, (expression, info) => {
    if (info.id === binaryen.LoadId || info.id === binaryen.StoreId) return foldTableAddress(expression, info as binaryen.LoadInfo, heapStart);
    const call = tableCall(info);
    if (!call) return expression;
    const { access, address, key, operands } = call;
    const [index, value] = operands.slice(1);
    if (calls.get(key)! >= ACCESSOR_CALLS_MIN) {
      if (!own.has(key)) {
        own.add(key);
        const param = (k: number, type: binaryen.Type) => module.local.get(k, type);
        const params = access.store ? [binaryen.i32, access.type] : [binaryen.i32];
        module.addFunction(key, binaryen.createType(params), access.store ? binaryen.none : access.type, [],
          accessAt(module, access, address, param(0, binaryen.i32), access.store ? param(1, access.type) : 0));
      }
      return module.call(key, operands.slice(1), access.store ? binaryen.none : access.type);
    }
    return access.shift === 0 ? accessAt(module, access, address, index, value) : expression;
  })));
}

function forEachBody(module: binaryen.Module, visit: (body: Ref, func: binaryen.FunctionRef) => void): void {
  for (let f = 0; f < module.getNumFunctions(); f++) {
    const func = module.getFunctionByIndex(f);
    const { body } = binaryen.getFunctionInfo(func);
    if (body !== 0) visit(body, func);
  }
}

/** The load or store at `x + ADDR` (a table's address) as one at `x` with ADDR in its offset. */
function foldTableAddress(access: Ref, info: binaryen.LoadInfo, heapStart: number): Ref {
  const sum = binaryen.getExpressionInfo(info.ptr) as binaryen.BinaryInfo;
  if (sum.id !== binaryen.BinaryId || sum.op !== binaryen.AddInt32) return access;
  const [left, right] = [sum.left, sum.right].map((operand) => binaryen.getExpressionInfo(operand) as binaryen.ConstInfo);
  const table = right.id === binaryen.ConstId ? right : left.id === binaryen.ConstId ? left : null;
  if (table === null || (table.value as number) < heapStart) return access;
  const offset = info.offset + (table.value as number);
  const x = table === right ? sum.left : sum.right;
  const set = info.id === binaryen.LoadId ? expressions.Load : expressions.Store;
  set.setPtr(access, x);
  set.setOffset(access, offset);
  return access;
}

/** The access at `address` + the scaled index, as an offset. */
function accessAt(module: binaryen.Module, access: Access, address: number, index: Ref, value: Ref): Ref {
  const ptr = access.shift === 0 ? index : module.i32.shl(index, module.i32.const(access.shift));
  const ops = access.type === binaryen.i64 ? module.i64 : module.i32;
  const width = access.bytes * 8 === (access.type === binaryen.i64 ? 64 : 32) ? "" : String(access.bytes * 8);
  if (access.store) return (ops as unknown as Record<string, (offset: number, align: number, ptr: Ref, value: Ref) => Ref>)[`store${width}`](address, access.bytes, ptr, value);
  const sign = width === "" ? "" : access.signed ? "_s" : "_u";
  return (ops as unknown as Record<string, (offset: number, align: number, ptr: Ref) => Ref>)[`load${width}${sign}`](address, access.bytes, ptr);
}

/** The functions, by name, whose body is an access of a table's element (see Access). */
function tableAccessors(module: binaryen.Module): Map<string, Access> {
  const accessors = new Map<string, Access>();
  const isParam = (expression: Ref, index: number) => {
    const info = binaryen.getExpressionInfo(expression) as binaryen.LocalGetInfo;
    return info.id === binaryen.LocalGetId && info.index === index;
  };
  /** The shift of `add (param 0) (shl (param 1) (shift))`, 0 for `add (param 0) (param 1)`, or -1. */
  const indexShift = (ptr: Ref) => {
    const add = binaryen.getExpressionInfo(ptr) as binaryen.BinaryInfo;
    if (add.id !== binaryen.BinaryId || add.op !== binaryen.AddInt32 || !isParam(add.left, 0)) return -1;
    if (isParam(add.right, 1)) return 0;
    const shl = binaryen.getExpressionInfo(add.right) as binaryen.BinaryInfo;
    if (shl.id !== binaryen.BinaryId || shl.op !== binaryen.ShlInt32 || !isParam(shl.left, 1)) return -1;
    const shift = binaryen.getExpressionInfo(shl.right) as binaryen.ConstInfo;
    return shift.id === binaryen.ConstId ? shift.value as number : -1;
  };
  for (let f = 0; f < module.getNumFunctions(); f++) {
    const { name, body, params } = binaryen.getFunctionInfo(module.getFunctionByIndex(f));
    if (body === 0) continue;
    const info = binaryen.getExpressionInfo(body) as binaryen.LoadInfo | binaryen.StoreInfo;
    if ((info.id !== binaryen.LoadId && info.id !== binaryen.StoreId) || info.offset !== 0) continue;
    const store = info.id === binaryen.StoreId;
    const type = store ? binaryen.getExpressionType((info as binaryen.StoreInfo).value) : info.type;
    const shift = indexShift(info.ptr);
    if ((type !== binaryen.i32 && type !== binaryen.i64) || shift < 0 || 1 << shift !== info.bytes) continue;
    const arity = binaryen.expandType(params).length;
    if (store ? arity !== 3 || !isParam((info as binaryen.StoreInfo).value, 2) : arity !== 2) continue;
    accessors.set(name, { store, type, bytes: info.bytes, signed: !store && (info as binaryen.LoadInfo).isSigned, shift });
  }
  return accessors;
}
