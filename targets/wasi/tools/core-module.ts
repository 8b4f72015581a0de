// The component's core module: build/release.wasm, rewritten with binaryen (the version
// AssemblyScript itself compiles with) so the component model can bind it. The kernel's own
// functions are read and written back untouched; only names and small adapters change:
//
// - imports `hal.<snake>` become `myco:kernel/hal@0.1.0` `<kebab>`; `hal.abort` becomes a
//   function that measures the two AssemblyScript strings and calls the WIT `abort` with lists;
// - each kernel export is exported again as `myco:kernel/kernel@0.1.0#<kebab>`; exports that
//   take a name get an adapter taking (ptr, len) and passing len (the bytes are already in the
//   I/O buffer), exports that return bytes get an adapter writing (ptr, len) to a return area;
// - `cabi_realloc` hands out the I/O buffer (the one allocation a call needs; nothing is
//   allocated) and traps for anything larger than the buffer;
// - exported constants and module-only exports (ioBuffer) are dropped: WIT has no constants.
//
// The return area is the last 16 bytes of the fixed memory: the kernel allocates nothing after
// init, and the build checks that its heap ends well below (see `checkReturnArea`).
import binaryen from "binaryen";
import type { AbiFunction, KernelAbi } from "../../abi/abi.ts";
import { wasmType, type ScalarType } from "../../abi/exports.ts";
import { HAL_IMPORTS, HAL_MODULE } from "../../abi/hal.ts";
import { interfaceId } from "./wit.ts";

const PAGE_BYTES = 65536;
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

/** (..., ptr, len, ...) -> core(..., len, ...): the bytes are in the I/O buffer already. */
function addBytesInAdapter(r: Rewrite, fn: AbiFunction, core: string): string {
  const m = r.module;
  const at = fn.bytesIn!.index;
  const params = fn.params.map((p) => valueType(p.type));
  params.splice(at, 0, binaryen.i32); // the pointer, before the length
  const args = fn.params.map((p, i) => m.local.get(i < at ? i : i + 1, valueType(p.type)));
  const name = `myco_wit_${fn.witName}`;
  m.addFunction(name, binaryen.createType(params), valueType(fn.result), [], m.call(core, args, valueType(fn.result)));
  return name;
}

/** core(...) = n -> writes (ptr, n) or result<(ptr, n), n> to the return area, returns its address. */
function addBytesOutAdapter(r: Rewrite, fn: AbiFunction, core: string): string {
  const m = r.module;
  const i32 = binaryen.i32;
  const params = fn.params.map((p) => valueType(p.type));
  const n = params.length; // local index of the result
  const area = () => m.i32.const(r.returnArea);
  const io = () => m.call(r.ioBuffer, [], i32);
  const result = () => m.local.get(n, i32);
  const call = m.local.set(n, m.call(core, fn.params.map((p, i) => m.local.get(i, valueType(p.type))), i32));
  const ok = (offset: number) => [m.i32.store(offset, 4, area(), io()), m.i32.store(offset + 4, 4, area(), result())];
  const negative = () => m.i32.lt_s(result(), m.i32.const(0));
  const body = fn.bytesOut!.fallible
    ? m.block(null, [call, m.if(negative(),
      m.block(null, [m.i32.store8(0, 1, area(), m.i32.const(1)), m.i32.store(4, 4, area(), result())]),
      m.block(null, [m.i32.store8(0, 1, area(), m.i32.const(0)), ...ok(4)])), area()], i32)
    // An infallible export returning a negative count is a kernel bug: trap rather than lie.
    : m.block(null, [call, m.if(negative(), m.unreachable()), ...ok(0), area()], i32);
  const name = `myco_wit_${fn.witName}`;
  m.addFunction(name, binaryen.createType(params), i32, [i32], body);
  return name;
}

/** cabi_realloc(oldPtr, oldSize, align, newSize): the I/O buffer, for a fresh block that fits. */
function addRealloc(r: Rewrite): void {
  const m = r.module;
  const i32 = binaryen.i32;
  const tooBig = m.i32.or(
    m.i32.ne(m.local.get(0, i32), m.i32.const(0)),
    m.i32.gt_u(m.local.get(3, i32), m.call(r.ioCapacity, [], i32)),
  );
  const body = m.block(null, [m.if(tooBig, m.unreachable()), m.call(r.ioBuffer, [], i32)], i32);
  m.addFunction("cabi_realloc", binaryen.createType([i32, i32, i32, i32]), i32, [], body);
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
      const target = fn.bytesIn ? addBytesInAdapter(r, fn, core) : fn.bytesOut ? addBytesOutAdapter(r, fn, core) : core;
      module.addFunctionExport(target, `${kernel}#${fn.witName}`);
      exported.push(fn.witName);
    }
    addRealloc(r);
    module.addMemoryExport("0", "memory");
    if (!module.validate()) throw new Error("the rewritten core module does not validate (binaryen printed why above)");
    return { binary: module.emitBinary(), returnArea, exported };
  } finally {
    module.dispose();
  }
}
