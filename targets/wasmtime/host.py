"""The wasmtime host: the kernel under wasmtime's Cranelift engine (wasmtime-py), as the core
module (build/<profile>.wasm with the four HAL imports) or as the component (the `myco:kernel`
world that targets/wasi builds), replaying a conformance program on the virtual HAL.

    python host.py core build/release.wasm PROGRAM [NAME]
    python host.py component targets/wasi/build/myco.component.wasm PROGRAM [NAME]

prints `host NAME calls N events N hash H event-hash H` (the line every host prints) and exits
0, or prints `host NAME FAILED reason` and exits 1. A trap is reported with its message.
"""

import re
import struct
import sys

import wasmtime
from wasmtime import component as cm

from replay import MASK32, MASK64, ProgramError, VirtualHal, f64_of, read_program, replay, signed, slot_of

KERNEL_INTERFACE = "myco:kernel/kernel@0.1.0"
HAL_INTERFACE = "myco:kernel/hal@0.1.0"


def engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.strategy = "cranelift"
    return wasmtime.Engine(config)


def kebab(camel: str) -> str:
    """The WIT name of an export (targets/abi/abi.ts kebab())."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", camel)
    return re.sub(r"([A-Z])([A-Z][a-z])", r"\1-\2", text).lower()


class CorePort:
    """build/<profile>.wasm instantiated with the HAL imports; exports called with scalars."""

    def __init__(self, path: str, hal: VirtualHal) -> None:
        self.store = wasmtime.Store(engine())
        module = wasmtime.Module.from_file(self.store.engine, path)
        i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
        hal_funcs = {
            "now_ms": (wasmtime.FuncType([], [i64]), lambda: hal.now_ms),
            "random_u32": (wasmtime.FuncType([], [i32]), lambda: signed(hal.random_u32(), 32)),
            "sleep_ms": (wasmtime.FuncType([i32], [i32]), lambda ms: hal.sleep_ms(ms & MASK32)),
            "abort": (wasmtime.FuncType([i32, i32, i32, i32], []), lambda *_: None),  # the trap follows
        }
        linker = wasmtime.Linker(self.store.engine)
        for imported in module.imports:
            if imported.module != "hal" or imported.name not in hal_funcs:
                raise ProgramError(f"the module imports {imported.module}.{imported.name}, which is not a HAL call")
            ty, fn = hal_funcs[imported.name]
            linker.define_func("hal", imported.name, ty, fn)
        exports = linker.instantiate(self.store, module).exports(self.store)
        self.exports = exports
        self.memory = exports["memory"]
        self.io = exports["ioBuffer"](self.store)

    def write_io(self, data: bytes) -> None:
        self.memory.write(self.store, data, self.io)

    def call(self, fn, args):
        func = self.exports.get(fn.name)
        if func is None:
            raise ProgramError(f"the module has no export {fn.name}")
        values = [f64_of(a) if l in "Ff" else (signed(a, 64) if l == "I" else signed(a, 32)) for l, a in zip(fn.params, args)]
        slot = slot_of(fn.result, func(self.store, *values))
        length = slot * fn.out_unit if slot > 0 and fn.out_unit > 0 else 0
        return slot, bytes(self.memory.read(self.store, self.io, self.io + length)) if length else b""


def canonical_bytes(ty, value) -> bytes:
    """A lifted value back in the canonical ABI layout the kernel wrote (records: natural alignment)."""
    scalars = {cm.U8: "<B", cm.U16: "<H", cm.U32: "<I", cm.S32: "<i", cm.S64: "<q", cm.U64: "<Q"}
    for cls, fmt in scalars.items():
        if isinstance(ty, cls):
            return struct.pack(fmt, value)
    if isinstance(ty, cm.RecordType):
        out = bytearray()
        align = 1
        for name, field in ty.fields:
            data = canonical_bytes(field, getattr(value, name))
            size = len(data)
            align = max(align, size)
            out += b"\0" * (-len(out) % size) + data
        return bytes(out + b"\0" * (-len(out) % align))
    raise ProgramError(f"no byte layout for {ty}")


class ComponentPort:
    """The jco-built component (`myco:kernel` world) through wasmtime.component: inputs passed as
    strings and byte lists cut from the last I/O write, outputs re-encoded to the kernel's bytes."""

    def __init__(self, path: str, hal: VirtualHal) -> None:
        self.store = wasmtime.Store(engine())
        comp = cm.Component.from_file(self.store.engine, path)
        linker = cm.Linker(self.store.engine)
        with linker.root() as root:
            with root.add_instance(HAL_INTERFACE) as iface:
                iface.add_func("now-ms", lambda _store: hal.now_ms)
                iface.add_func("random-u32", lambda _store: hal.random_u32())
                iface.add_func("sleep-ms", lambda _store, ms: hal.sleep_ms(ms))
                iface.add_func("abort", lambda _store, *_: None)  # the trap follows
        self.instance = linker.instantiate(self.store, comp)
        self.kernel = self.instance.get_export_index(self.store, KERNEL_INTERFACE)
        self.funcs = {}
        self.io = b""

    def func(self, name: str):
        if name not in self.funcs:
            index = self.instance.get_export_index(self.store, kebab(name), self.kernel)
            func = self.instance.get_func(self.store, index) if index else None
            if func is None:
                raise ProgramError(f"the component has no function {kebab(name)}")
            self.funcs[name] = (func, func.type(self.store))
        return self.funcs[name]

    def write_io(self, data: bytes) -> None:
        self.io = bytes(data)

    def call(self, fn, args):
        func, fty = self.func(fn.name)
        values, at = [], 0
        params = [p for p in fn.params]
        for (letter, arg, (_, ty)) in zip(params, args, fty.params):
            if letter in "sb":
                piece = self.io[at:at + arg]
                at += arg
                values.append(piece.decode("utf-8") if letter == "s" else piece)
            elif isinstance(ty, (cm.U32, cm.U64)):
                values.append(arg & (MASK32 if isinstance(ty, cm.U32) else MASK64))
            elif isinstance(ty, cm.Bool):
                values.append(arg != 0)
            elif isinstance(ty, (cm.F64, cm.F32)):
                values.append(f64_of(arg))
            else:
                values.append(signed(arg, 64 if isinstance(ty, cm.S64) else 32))
        value = func(self.store, *values)
        func.post_return(self.store)
        if fn.out_unit == 0:
            return slot_of(fn.result, value), b""
        result_ty = fty.result
        if isinstance(result_ty, cm.ResultType):
            # wasmtime-py lifts result<list|string, s32> untagged: the error is the int.
            if isinstance(value, cm.Variant):
                value = value.payload if value.tag == "ok" else int(value.payload)
            if isinstance(value, int):
                return signed(value, 32), b""
            result_ty = result_ty.ok
        if isinstance(result_ty, cm.String):
            out = value.encode("utf-8")
        elif isinstance(result_ty.element, cm.U8):
            out = bytes(value)
        else:
            out = b"".join(canonical_bytes(result_ty.element, v) for v in value)
        return len(out) // fn.out_unit, out


def main(argv) -> int:
    if len(argv) < 4 or argv[1] not in ("core", "component"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kind, module, program_path = argv[1], argv[2], argv[3]
    name = argv[4] if len(argv) > 4 else f"wasmtime-{kind}"
    try:
        with open(program_path, "rb") as f:
            program = read_program(f.read())
        hal = VirtualHal(program.seed)
        port = CorePort(module, hal) if kind == "core" else ComponentPort(module, hal)
        result = replay(port, hal, program)
    except (ProgramError, wasmtime.WasmtimeError, wasmtime.Trap, OSError) as error:
        print(f"host {name} FAILED {type(error).__name__}: {error}")
        return 1
    print(f"host {name} calls {result.calls} events {result.events} hash {result.hash} event-hash {result.event_hash}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
