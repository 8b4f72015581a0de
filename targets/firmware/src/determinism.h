/*
 * The deterministic pieces every host shares, written the same way in TypeScript
 * (targets/conformance/determinism.ts): xorshift32 and FNV-1a 64.
 */
#ifndef DETERMINISM_H
#define DETERMINISM_H

#include <stddef.h>
#include <stdint.h>

/* The second stream (the simulated host's delays) is seeded apart from the kernel's. */
#define SIMULATION_SEED_MIX 0x9e3779b9u

typedef struct { uint32_t state; } xorshift32_t;

/* Marsaglia's xorshift32 (13, 17, 5); a zero seed would stay zero, so it is replaced. */
void xorshift32_seed(xorshift32_t* random, uint32_t seed);
uint32_t xorshift32_next(xorshift32_t* random);

typedef struct { uint64_t hash; } fnv1a64_t;

void fnv1a64_init(fnv1a64_t* fnv);
void fnv1a64_update(fnv1a64_t* fnv, const uint8_t* bytes, size_t length);

#endif
