#include "determinism.h"

void xorshift32_seed(xorshift32_t* random, uint32_t seed) {
  random->state = seed != 0 ? seed : 0x6d2b79f5u;
}

uint32_t xorshift32_next(xorshift32_t* random) {
  uint32_t x = random->state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  random->state = x;
  return x;
}

void fnv1a64_init(fnv1a64_t* fnv) {
  fnv->hash = 0xcbf29ce484222325ull;
}

void fnv1a64_update(fnv1a64_t* fnv, const uint8_t* bytes, size_t length) {
  uint64_t hash = fnv->hash;
  for (size_t i = 0; i < length; i++) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ull;
  }
  fnv->hash = hash;
}
