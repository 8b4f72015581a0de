// as-pect: one module per spec in assembly/__tests__/, compiled with as-pect.asconfig.json
// (the kernel with its assertions on, as-pect's GC runtime, the release profile's capacities).
// The kernel's HAL is supplied here as a virtual HAL: a manual clock that specs move through
// the `hal_test` imports (assembly/__tests__/support/hal.ts), a seeded PRNG, and a sleep that
// advances the clock by the time asked for.
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],

  async instantiate(memory, createImports, instantiate, binary) {
    let nowMs = 0n;
    let randomState = 0x2545f491;
    let instance;
    const readString = (ptr) => (ptr && instance ? instance.exports.__getString(ptr) : "");
    const imports = {
      env: { memory },
      hal: {
        now_ms: () => nowMs,
        random_u32: () => {
          // xorshift32: deterministic, so a spec's run repeats exactly
          randomState ^= randomState << 13;
          randomState ^= randomState >>> 17;
          randomState ^= randomState << 5;
          return randomState >>> 0;
        },
        sleep_ms: (ms) => {
          nowMs += BigInt(ms >>> 0);
          return 0;
        },
        abort: (message, file, line, column) => {
          throw new Error(`kernel abort: ${readString(message)} at ${readString(file)}:${line}:${column}`);
        },
      },
      hal_test: {
        set_now_ms: (ms) => { nowMs = BigInt(ms); },
        get_now_ms: () => nowMs,
        set_random_seed: (seed) => { randomState = (seed >>> 0) || 1; },
      },
    };
    instance = await instantiate(binary, createImports(imports));
    return instance;
  },

  outputBinary: false,
};
