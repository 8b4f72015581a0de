// Steady traffic for the rollout proofs: GETs through the gateway at a fixed pace, every answer kept.
import { get } from "./gateway-helpers.ts";

/** GETs `url` every `everyMs` until stopped; every answer (or error) is kept, in order, with when it was sent and when it was answered. */
export function steadyTraffic(url: string, everyMs: number) {
  const answers: { status: number; body: string; atMs: number; doneMs: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const atMs = Date.now();
      try {
        const a = await get(url);
        answers.push({ status: a.status, body: a.body, atMs, doneMs: Date.now() });
      } catch (error) {
        answers.push({ status: 0, body: String(error), atMs, doneMs: Date.now() });
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { answers, stop: async () => { running = false; await loop; } };
}
