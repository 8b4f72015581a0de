"""The conformance replay in Python: the twin of targets/conformance/replay.ts and
targets/firmware/src/replay.c, step for step (change all three or none).

A program (targets/conformance/program.ts) is a recorded conversation with the kernel: I/O
writes, export calls with 64-bit argument slots, and the virtual HAL's clock and wake time. The
replay hashes every call's result slot and the bytes the call wrote to the I/O buffer with
FNV-1a 64 (the hash), and the event-log records alone (the event hash).
"""

import struct
from dataclasses import dataclass

STEP_IO, STEP_CLOCK, STEP_WAKE, STEP_CALL = 1, 2, 3, 4
FLAG_EVENT_LOG = 1
WAKE_NONE = -1
MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


class ProgramError(Exception):
    """A malformed program, or one made for another kernel."""


class VirtualHal:
    """The virtual HAL of every conformance host: a clock that moves only when the kernel sleeps
    or the program sets it, a wake time, and splitmix32 seeded like host/hal's VirtualHal."""

    def __init__(self, seed: int) -> None:
        self.seed = seed & MASK32
        self.reset()

    def reset(self) -> None:
        self.now_ms = 0
        self.wake_ms = WAKE_NONE
        self.state = self.seed

    def random_u32(self) -> int:
        self.state = (self.state + 0x9E3779B9) & MASK32
        z = self.state
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
        return z ^ (z >> 16)

    def sleep_ms(self, ms: int) -> int:
        target = self.now_ms + (ms & MASK32)
        if self.wake_ms != WAKE_NONE and self.wake_ms < target:
            self.now_ms = max(self.now_ms, self.wake_ms)
            return 1
        self.now_ms = target
        return 0


class Fnv1a64:
    def __init__(self) -> None:
        self.value = 0xCBF29CE484222325

    def update(self, data: bytes) -> None:
        h = self.value
        for byte in data:
            h = ((h ^ byte) * 0x100000001B3) & MASK64
        self.value = h

    def hex(self) -> str:
        return f"{self.value:016x}"


@dataclass
class Export:
    name: str
    signature: str  # parameter letters, '>', result letter
    out_unit: int
    flags: int

    @property
    def params(self) -> str:
        return self.signature.split(">")[0]

    @property
    def result(self) -> str:
        return self.signature.split(">")[1]


@dataclass
class Program:
    seed: int
    exports: list
    body: bytes  # the steps, still encoded
    steps: int


def read_program(data: bytes) -> Program:
    if data[:4] != b"MYCP":
        raise ProgramError("not a conformance program (magic)")
    version, count, seed = struct.unpack_from("<HHI", data, 4)
    if version != 1:
        raise ProgramError(f"program version {version}, this host reads 1")
    at = 12
    exports = []
    for _ in range(count):
        texts = []
        for _ in range(2):
            length = data[at]
            texts.append(data[at + 1:at + 1 + length].decode("ascii"))
            at += 1 + length
        exports.append(Export(texts[0], texts[1], data[at], data[at + 1]))
        at += 2
    (steps,) = struct.unpack_from("<I", data, at)
    return Program(seed, exports, data[at + 4:], steps)


@dataclass
class Result:
    calls: int
    events: int
    hash: str
    event_hash: str


def replay(port, hal: VirtualHal, program: Program) -> Result:
    """Runs `program` on `port` (write_io(bytes), call(export, args) -> (slot, out bytes))."""
    body, at = program.body, 0
    digest, events_digest = Fnv1a64(), Fnv1a64()
    calls = events = 0
    for step in range(1, program.steps + 1):
        kind = body[at]
        at += 1
        if kind == STEP_IO:
            (length,) = struct.unpack_from("<H", body, at)
            port.write_io(body[at + 2:at + 2 + length])
            at += 2 + length
        elif kind in (STEP_CLOCK, STEP_WAKE):
            (ms,) = struct.unpack_from("<q", body, at)
            at += 8
            if kind == STEP_CLOCK:
                hal.now_ms = ms
            else:
                hal.wake_ms = ms
        elif kind == STEP_CALL:
            (index,) = struct.unpack_from("<H", body, at)
            fn = program.exports[index]
            args = list(struct.unpack_from(f"<{len(fn.params)}q", body, at + 2))
            at += 2 + 8 * len(fn.params)
            slot, out = port.call(fn, args)
            calls += 1
            digest.update(struct.pack("<q", slot))
            digest.update(out)
            if fn.flags & FLAG_EVENT_LOG:
                events_digest.update(out)
                events += slot
        else:
            raise ProgramError(f"step {step}: unknown step kind {kind}")
    if at != len(body):
        raise ProgramError(f"{len(body) - at} bytes after the program's last step")
    return Result(calls, events, digest.hex(), events_digest.hex())


def signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def f64_of(slot: int) -> float:
    return struct.unpack("<d", struct.pack("<q", slot))[0]


def slot_of_f64(value: float) -> int:
    return struct.unpack("<q", struct.pack("<d", value))[0]


def slot_of(letter: str, value) -> int:
    """A result as the program's 64-bit slot (i32 sign-extended, f64 by its bits, void 0)."""
    if letter == "v" or value is None:
        return 0
    if letter in ("F", "f"):
        return slot_of_f64(float(value))
    if letter == "I":
        return signed(int(value), 64)
    return signed(int(value), 32)
