#include "determinism.h"

void splitmix32_seed(splitmix32_t* random, uint32_t seed) {
  random->state = seed;
}

uint32_t splitmix32_next(splitmix32_t* random) {
  random->state += 0x9e3779b9u;
  uint32_t z = random->state;
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
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
