// health/history and health/availability: the result ring (stored in 8 bytes, read in 16 with
// the full time restored) and the time-weighted availability window.
import { historyRecord, historyCopy, historyClear, HISTORY_RECORD_BYTES } from "../health/history";
import { availabilityUpdate, availabilityOf, availabilityClear, availabilitySetWindow } from "../health/availability";
import { clockRefresh, clockReset } from "../clock";
import { HEALTH_HISTORY } from "../limits";
import { setNowMs } from "./support/hal";

const S: i32 = 1;
const out = new StaticArray<u8>(HEALTH_HISTORY * 16);

function now(ms: i64): void { setNowMs(ms); clockRefresh(); }
function restart(): void { clockReset(); now(0); }

describe("history ring", () => {
  beforeEach(() => { historyClear(S); restart(); });

  it("keeps the last N results, oldest first, with the full time", () => {
    const start: i64 = 0x1_2345_0000; // past 2^32 ms: the stored low bits must be widened again
    for (let i = 0; i < HEALTH_HISTORY + 3; i++) {
      now(start + <i64>(i * 1000));
      historyRecord(S, 1, i % 3 == 0 ? 1 : 0, i * 10);
    }
    const count = historyCopy(S, changetype<usize>(out), HEALTH_HISTORY * HISTORY_RECORD_BYTES);
    expect<i32>(count).toBe(HEALTH_HISTORY);
    const first = changetype<usize>(out);
    expect<i64>(load<i64>(first)).toBe(start + 3000);
    expect<i32>(load<i32>(first, 8)).toBe(30);
    expect<u8>(load<u8>(first, 12)).toBe(1);
    expect<u8>(load<u8>(first, 13)).toBe(1);
    const last = first + <usize>((count - 1) * HISTORY_RECORD_BYTES);
    expect<i64>(load<i64>(last)).toBe(start + <i64>((HEALTH_HISTORY + 2) * 1000));
  });

  it("clamps latencies to 16 bits", () => {
    historyRecord(S, 0, 0, 1_000_000);
    historyCopy(S, changetype<usize>(out), 16);
    expect<i32>(load<i32>(changetype<usize>(out), 8)).toBe(65535);
  });
});

describe("availability", () => {
  it("is the up share of the observed time in the window", () => {
    restart();
    availabilityClear(S, true);
    expect<i32>(availabilitySetWindow(S, 40_000)).toBe(0);
    availabilityUpdate(S, true, true);
    now(30_000);
    availabilityUpdate(S, true, false);
    now(40_000);
    expect<i32>(availabilityOf(S)).toBe(7500);
    now(200_000); // long after: only the down time is left in the window
    expect<i32>(availabilityOf(S)).toBe(0);
  });

  it("counts nothing while the service is not meant to run", () => {
    restart();
    availabilityClear(S, true);
    availabilityUpdate(S, false, false);
    now(10_000);
    expect<i32>(availabilityOf(S)).toBe(10000);
  });
});
