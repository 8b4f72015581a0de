// Minimal typings of the load-balancing peers bench/balance.bench.ts measures (they ship none).
declare module "hashring" {
  export default class HashRing {
    constructor(servers: string[] | Record<string, unknown>, algorithm?: string, options?: Record<string, unknown>);
    get(key: string): string;
  }
}

declare module "loadbalance" {
  interface Engine<T> { pick(): T }
  export function roundRobin<T>(pool: { object: T; weight: number }[]): Engine<T>;
  export function roundRobin<T>(pool: T[]): Engine<T>;
  export function random<T>(pool: { object: T; weight: number }[], seed?: number): Engine<T>;
  export function random<T>(pool: T[], seed?: number): Engine<T>;
}

declare module "opossum" {
  export default class CircuitBreaker<R> {
    constructor(action: (...args: unknown[]) => Promise<R>, options?: Record<string, unknown>);
    fire(...args: unknown[]): Promise<R>;
    shutdown(): void;
  }
}
