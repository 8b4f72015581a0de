/*
 * The deterministic pieces every host shares, written the same way in TypeScript
 * (targets/conformance/determinism.ts, host/hal/virtual.ts) and Python (targets/wasmtime/host.py):
 * splitmix32 behind the virtual HAL's random_u32, and FNV-1a 64 over the kernel's answers.
 */
#ifndef DETERMINISM_H
#define DETERMINISM_H

#include <stddef.h>
#include <stdint.h>

typedef struct { uint32_t state; } splitmix32_t;

/* splitmix32 seeded like host/hal's VirtualHal: the state starts at the seed itself. */
void splitmix32_seed(splitmix32_t* random, uint32_t seed);
uint32_t splitmix32_next(splitmix32_t* random);

typedef struct { uint64_t hash; } fnv1a64_t;

void fnv1a64_init(fnv1a64_t* fnv);
void fnv1a64_update(fnv1a64_t* fnv, const uint8_t* bytes, size_t length);

#endif
