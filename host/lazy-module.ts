// A dependency loaded on its first use, synchronously (createRequire: these are CommonJS
// packages): an idle `myco run` does not pay for what it does not use. RSS of a bare Node that
// requires each one alone, against none (sampled once after 0.5 s): etcd3 +23 MiB, undici +20 MiB.
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
