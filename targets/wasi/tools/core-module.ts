// The component's core module: build/release.wasm, rewritten with binaryen (the version
// AssemblyScript itself compiles with) so the component model can bind it. Nothing is
// optimized (a round trip of release.wasm alone is byte-identical): the kernel's functions keep
// their instructions; only names change and small adapters are added:
//
// - imports `hal.<snake>` become `myco:kernel/hal@0.1.0` `<kebab>`; `hal.abort` becomes a
//   function that measures the two AssemblyScript strings and calls the WIT `abort` with lists;
// - each kernel export is exported again as `myco:kernel/kernel@0.1.0#<kebab>`; exports that
//   take strings or bytes get an adapter taking (ptr, len) pairs and passing the lengths (the
//   bytes are already in the I/O buffer), exports that return bytes get an adapter writing
//   (ptr, len) to a return area;
// - `cabi_realloc` hands out the I/O buffer, the inputs of a call back to back (nothing is
//   allocated), and traps for anything past the buffer;
// - exported constants and module-only exports (ioBuffer) are dropped: WIT has no constants.
//
// The return area is the last 16 bytes of the fixed memory: the kernel allocates nothing after
// init, and the build checks that its heap ends well below (see `checkReturnArea`).
import binaryen from "binaryen";
import type { AbiFunction, KernelAbi } from "../../abi/abi.ts";
import { wasmType, type ScalarType } from "../../abi/exports.ts";
import { lengthScale } from "../../abi/bytes.ts";
import { HAL_IMPORTS, HAL_MODULE } from "../../abi/hal.ts";
import { interfaceId } from "./wit.ts";

const PAGE_BYTES = 65536;
/** Globals of cabi_realloc: the next free byte of the I/O buffer, and where the last block starts. */
const CURSOR = "myco_wit_io_cursor";
const LAST = "myco_wit_io_last";
export const RETURN_AREA_BYTES = 16;

// What AssemblyScript 0.27 emits by default; binaryen validates against this set.
const FEATURES = binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt |
  binaryen.Features.NontrappingFPToInt | binaryen.Features.BulkMemory;

function valueType(type: ScalarType): binaryen.Type {
  switch (wasmType(type)) {
    case "i64": return binaryen.i64;
    case "f32": return binaryen.f32;
    case "f64": return binaryen.f64;
    case "none": return binaryen.none;
    default: return binaryen.i32;
  }
}

interface Rewrite {
  module: binaryen.Module;
  /** Export name in release.wasm -> internal function name. */
  functions: Map<string, string>;
  ioBuffer: string;
  ioCapacity: string;
  returnArea: number;
}

function readExports(module: binaryen.Module): Map<string, string> {
  const functions = new Map<string, string>();
  const names: string[] = [];
  for (let i = 0; i < module.getNumExports(); i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    names.push(info.name);
    if (info.kind === binaryen.ExternalFunction) functions.set(info.name, info.value);
  }
  for (const name of names) module.removeExport(name);
  return functions;
}

function memoryPages(module: binaryen.Module): number {
  const info = module.getMemoryInfo("0") as { initial: number; max?: number };
  if (info.max !== undefined && info.max !== info.initial) {
    throw new Error(`release.wasm: memory must be fixed (initial ${info.initial}, maximum ${info.max} pages)`);
  }
  return info.initial;
}

function renameImports(module: binaryen.Module): void {
  const hal = interfaceId("hal");
  const imports = [];
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (info.module) imports.push(info);
  }
  for (const info of imports) {
    if (info.module !== HAL_MODULE) throw new Error(`release.wasm imports ${info.module}.${info.base}: only module "hal" has a WIT interface`);
    const entry = HAL_IMPORTS.find((h) => h.core === info.base);
    if (!entry) throw new Error(`release.wasm imports hal.${info.base}: add it to targets/abi/hal.ts`);
    module.removeFunction(info.name);
    if (entry.core === "abort") addAbortAdapter(module, info.name, hal);
    else module.addFunctionImport(info.name, hal, entry.wit, info.params, info.results);
  }
}

/** hal.abort(msg, file, line, col) -> WIT abort(msg, msgUnits, file, fileUnits, line, col). */
function addAbortAdapter(module: binaryen.Module, name: string, hal: string): void {
  const witAbort = "myco_wit_abort";
  const i32 = binaryen.i32;
  module.addFunctionImport(witAbort, hal, "abort", binaryen.createType([i32, i32, i32, i32, i32, i32]), binaryen.none);
  // An AssemblyScript string's byte length sits 4 bytes before it; null (0) has no units.
  const units = (local: number) => module.if(
    module.i32.eqz(module.local.get(local, i32)),
    module.i32.const(0),
    module.i32.shr_u(module.i32.load(0, 4, module.i32.sub(module.local.get(local, i32), module.i32.const(4))), module.i32.const(1)),
  );
  const body = module.call(witAbort, [
    module.local.get(0, i32), units(0), module.local.get(1, i32), units(1), module.local.get(2, i32), module.local.get(3, i32),
  ], binaryen.none);
  module.addFunction(name, binaryen.createType([i32, i32, i32, i32]), binaryen.none, [], body);
}

function coreName(r: Rewrite, fn: AbiFunction): string {
  const internal = r.functions.get(fn.name);
  if (!internal) throw new Error(`release.wasm has no export '${fn.name}' (assembly/index.ts exports it): rebuild with npm run build`);
  const info = binaryen.getFunctionInfo(r.module.getFunction(internal));
  const expected = fn.params.map((p) => valueType(p.type));
  const actual = binaryen.expandType(info.params);
  if (actual.length !== expected.length || actual.some((t, i) => t !== expected[i]) || info.results !== valueType(fn.result)) {
    throw new Error(`release.wasm export '${fn.name}' does not have the signature assembly/index.ts declares`);
  }
  return internal;
}

/**
 * The WIT-shaped export around core export `core`: inputs arrive as (ptr, len) pairs that
 * cabi_realloc placed back to back from the I/O buffer's start (checked), the core function
 * gets the lengths; a bytes-out result becomes (ptr, len), or result<(ptr, len), s32>, written
 * to the return area whose address is returned.
 */
function addAdapter(r: Rewrite, fn: AbiFunction, core: string): string {
  const m = r.module;
  const i32 = binaryen.i32;
  const params: binaryen.Type[] = [];
  const args: binaryen.ExpressionRef[] = [];
  const checks: binaryen.ExpressionRef[] = [];
  const io = () => m.call(r.ioBuffer, [], i32);
  fn.params.forEach((p, i) => {
    if (fn.bytesIn.some((b) => b.index === i)) params.push(i32); // the pointer
    params.push(valueType(p.type));
  });
  const offset = params.length; // local: bytes of input checked so far
  const result = offset + 1; // local: the core result
  let at = 0;
  fn.params.forEach((p, i) => {
    if (fn.bytesIn.some((b) => b.index === i)) {
      const ptr = at++;
      const len = at;
      // A non-empty input must sit right after the previous one, where cabi_realloc put it.
      checks.push(m.if(m.i32.and(
        m.i32.ne(m.local.get(len, i32), m.i32.const(0)),
        m.i32.ne(m.local.get(ptr, i32), m.i32.add(io(), m.local.get(offset, i32))),
      ), m.unreachable()));
      checks.push(m.local.set(offset, m.i32.add(m.local.get(offset, i32), m.local.get(len, i32))));
    }
    args.push(m.local.get(at++, valueType(p.type)));
  });
  const resetCursor = m.global.set(CURSOR, m.i32.const(0));
  const call = m.call(core, args, valueType(fn.result));
  const name = `myco_wit_${fn.witName}`;
  const out = fn.bytesOut;
  if (!out) {
    m.addFunction(name, binaryen.createType(params), valueType(fn.result), [i32, i32],
      m.block(null, [...checks, resetCursor, call], valueType(fn.result)));
    return name;
  }
  const area = () => m.i32.const(r.returnArea);
  const value = () => m.local.get(result, i32);
  const length = () => (lengthScale(out) === 1 ? value() : m.i32.mul(value(), m.i32.const(lengthScale(out))));
  const ok = (base: number) => [m.i32.store(base, 4, area(), io()), m.i32.store(base + 4, 4, area(), length())];
  const negative = () => m.i32.lt_s(value(), m.i32.const(0));
  const write = out.fallible
    ? [m.if(negative(),
      m.block(null, [m.i32.store8(0, 1, area(), m.i32.const(1)), m.i32.store(4, 4, area(), value())]),
      m.block(null, [m.i32.store8(0, 1, area(), m.i32.const(0)), ...ok(4)]))]
    // An infallible export returning a negative count is a kernel bug: trap rather than lie.
    : [m.if(negative(), m.unreachable()), ...ok(0)];
  m.addFunction(name, binaryen.createType(params), i32, [i32, i32],
    m.block(null, [...checks, resetCursor, m.local.set(result, call), ...write, area()], i32));
  return name;
}

/**
 * cabi_realloc(oldPtr, oldSize, align, newSize): the inputs of one call, back to back from the
 * I/O buffer's start (each adapter resets the cursor). Growing or shrinking the last block is
 * allowed (transcoding does it); anything past the buffer traps. Nothing is ever allocated.
 */
function addRealloc(r: Rewrite): void {
  const m = r.module;
  const i32 = binaryen.i32;
  const [oldPtr, align, size, start] = [0, 2, 3, 4];
  const get = (local: number) => m.local.get(local, i32);
  const cursor = () => m.global.get(CURSOR, i32);
  const capacity = () => m.call(r.ioCapacity, [], i32);
  const io = () => m.call(r.ioBuffer, [], i32);
  const fits = (from: binaryen.ExpressionRef) =>
    m.if(m.i32.or(m.i32.gt_u(get(size), capacity()), m.i32.gt_u(from, m.i32.sub(capacity(), get(size)))), m.unreachable());
  const resize = m.block(null, [
    m.if(m.i32.ne(get(oldPtr), m.i32.add(io(), m.global.get(LAST, i32))), m.unreachable()),
    fits(m.global.get(LAST, i32)),
    m.global.set(CURSOR, m.i32.add(m.global.get(LAST, i32), get(size))),
    m.return(get(oldPtr)),
  ]);
  const alignMask = m.i32.sub(get(align), m.i32.const(1));
  const body = m.block(null, [
    m.if(m.i32.ne(get(oldPtr), m.i32.const(0)), resize),
    m.local.set(start, m.i32.and(m.i32.add(cursor(), alignMask), m.i32.xor(alignMask, m.i32.const(-1)))),
    fits(get(start)),
    m.global.set(LAST, get(start)),
    m.global.set(CURSOR, m.i32.add(get(start), get(size))),
    m.i32.add(io(), get(start)),
  ], i32);
  m.addFunction("cabi_realloc", binaryen.createType([i32, i32, i32, i32]), i32, [i32], body);
  m.addFunctionExport("cabi_realloc", "cabi_realloc");
}

export interface CoreModule { binary: Uint8Array; returnArea: number; exported: string[] }

/** Rewrites `release` (build/release.wasm bytes) into the component's core module. */
export function componentCoreModule(release: Uint8Array, abi: KernelAbi): CoreModule {
  const module = binaryen.readBinary(release);
  try {
    module.setFeatures(FEATURES);
    const functions = readExports(module);
    const returnArea = memoryPages(module) * PAGE_BYTES - RETURN_AREA_BYTES;
    const r: Rewrite = { module, functions, ioBuffer: "", ioCapacity: "", returnArea };
    r.ioBuffer = coreName(r, abi.functions.find((f) => f.name === "ioBuffer")!);
    r.ioCapacity = coreName(r, abi.functions.find((f) => f.name === "ioCapacity")!);
    renameImports(module);
    const kernel = interfaceId("kernel");
    const exported: string[] = [];
    for (const fn of abi.functions) {
      if (fn.moduleOnly) continue;
      const core = coreName(r, fn);
      const target = fn.bytesIn.length > 0 || fn.bytesOut ? addAdapter(r, fn, core) : core;
      module.addFunctionExport(target, `${kernel}#${fn.witName}`);
      exported.push(fn.witName);
    }
    module.addGlobal(CURSOR, binaryen.i32, true, module.i32.const(0));
    module.addGlobal(LAST, binaryen.i32, true, module.i32.const(0));
    addRealloc(r);
    module.addMemoryExport("0", "memory");
    if (!module.validate()) throw new Error("the rewritten core module does not validate (binaryen printed why above)");
    return { binary: module.emitBinary(), returnArea, exported };
  } finally {
    module.dispose();
  }
}
