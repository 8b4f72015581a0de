// The test side of the virtual HAL that as-pect.config.js supplies: specs move the clock here.
@external("hal_test", "set_now_ms") export declare function setNowMs(ms: i64): void;
@external("hal_test", "get_now_ms") export declare function getNowMs(): i64;
@external("hal_test", "set_random_seed") export declare function setRandomSeed(seed: u32): void;

export function advanceMs(ms: i64): void { setNowMs(getNowMs() + ms); }
