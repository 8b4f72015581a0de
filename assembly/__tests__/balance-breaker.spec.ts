// balance/breaker.ts and balance/outlier.ts under the manual clock of the spec HAL.
import {
  serviceStart, serviceInstance, ioBuffer, balancePick, balanceRequestStarted, balanceRequestFinished,
  balanceInstanceStats, breakerIsolate, breakerRelease,
} from "../index";
import { E_BREAKER_OPEN, E_INVALID_BREAKER, E_NOT_ISOLATED } from "../errors";
import { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN, OUTCOME_FAILURE, OUTCOME_SUCCESS } from "../balance/tables";
import { applyStrategy, applyBreaker as breakerConfigure, applyOutlier as outlierConfigure } from "./support/records";
import { freshKernel, mustRegister, answerAll, detailText } from "./support/kernel";
import { setNowMs } from "./support/hal";

let id = 0;
let a = 0;

function one(): void {
  freshKernel();
  id = mustRegister("api", 1);
  serviceStart(id);
  answerAll();
  a = serviceInstance(id, 0);
  applyStrategy(id, 0, -1, 0); // round robin, no panic rule
}

function breakerState(): u8 {
  balanceInstanceStats(a);
  return load<u8>(ioBuffer(), 60);
}

function fail(): void {
  balanceRequestStarted(a);
  balanceRequestFinished(a, 1, OUTCOME_FAILURE);
}

describe("circuit breaker", () => {
  it("closed -> open -> half-open -> closed on the clock and the reports", () => {
    one();
    // window 10, min calls 10, rate off, 2 in a row, not slow, open 1 s (max 4 s), 2 probes
    expect<i32>(breakerConfigure(id, 10, 10, 0, 2, 0, 0, 1000, 4000, 2)).toBe(0);
    fail();
    expect<u8>(breakerState()).toBe(BREAKER_CLOSED);
    fail();
    expect<u8>(breakerState()).toBe(BREAKER_OPEN);
    expect<i32>(balanceRequestStarted(a)).toBe(E_BREAKER_OPEN);
    setNowMs(999);
    expect<u8>(breakerState()).toBe(BREAKER_OPEN);
    setNowMs(1000);
    expect<u8>(breakerState()).toBe(BREAKER_HALF_OPEN);
    expect<i32>(balancePick(id)).toBe(a);
    expect<i32>(balancePick(id)).toBe(a);
    expect<i32>(balancePick(id) < 0).toBe(true); // exactly two probes
    balanceRequestFinished(a, 1, OUTCOME_SUCCESS);
    expect<u8>(breakerState()).toBe(BREAKER_HALF_OPEN);
    balanceRequestFinished(a, 1, OUTCOME_SUCCESS);
    expect<u8>(breakerState()).toBe(BREAKER_CLOSED);
  });

  it("re-opens on a half-open failure for twice as long, up to the cap", () => {
    one();
    breakerConfigure(id, 10, 10, 0, 1, 0, 0, 1000, 1500, 1);
    fail(); // open until 1000
    setNowMs(1000);
    fail(); // half-open probe fails: open until 1000 + min(2000, 1500)
    setNowMs(2499);
    expect<u8>(breakerState()).toBe(BREAKER_OPEN);
    setNowMs(2500);
    expect<u8>(breakerState()).toBe(BREAKER_HALF_OPEN);
  });

  it("isolation is reference-counted; a release without one is refused", () => {
    one();
    expect<i32>(breakerIsolate(a)).toBe(1);
    expect<i32>(breakerIsolate(a)).toBe(2);
    expect<i32>(balanceRequestStarted(a)).toBe(E_BREAKER_OPEN);
    expect<i32>(breakerRelease(a)).toBe(1);
    expect<i32>(breakerRelease(a)).toBe(0);
    expect<i32>(balanceRequestStarted(a)).toBe(0);
    expect<i32>(breakerRelease(a)).toBe(E_NOT_ISOLATED);
  });

  it("refuses settings that make no sense, naming the field", () => {
    one();
    expect<i32>(breakerConfigure(id, 0, 1, 50, 0, 0, 0, 1000, 1000, 1)).toBe(E_INVALID_BREAKER);
    expect<string>(detailText()).toBe("service 'api': windowSize 0 is outside 1..64");
    expect<i32>(breakerConfigure(id, 10, 5, 50, 0, 0, 0, 1000, 1000, 0)).toBe(E_INVALID_BREAKER);
    expect<string>(detailText()).toBe("service 'api': halfOpenPermits 0 is outside 1..255");
  });
});

describe("outlier ejection", () => {
  it("ejects after consecutive failures and re-admits when the time has passed", () => {
    one();
    expect<i32>(outlierConfigure(id, 2, 500, 5000, 100)).toBe(0);
    fail();
    fail();
    expect<i32>(balancePick(id) < 0).toBe(true);
    setNowMs(500);
    expect<i32>(balancePick(id)).toBe(a);
  });
});
