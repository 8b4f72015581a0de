// A simulation replay: the run's events in order, a slider over them, play/pause, one step
// back or forward, and a speed (virtual milliseconds per real millisecond). The state at
// event i is rebuilt by applying events 0..i to the services as the manifest declares them.
const TICK_MS = 50;
const HEALTH_CODES = ["unknown", "healthy", "degraded", "unhealthy"];
const $ = (selector) => document.querySelector(selector);

/** `page`: what app.js draws the live view with, here fed the replay's states. */
export async function startReplay({ api, renderEvents, renderServices, view }) {
  const data = await api("/api/replay");
  $("#replay-panel").hidden = false;
  $("#manifest").textContent = `${data.title} · ${data.frames.length} events`;
  $("#connection").dataset.state = "live";
  $("#connection").textContent = "replay";
  $("#replay-verdict").textContent = data.ok ? "every invariant held, and the services converged" : `invariant broken: ${data.message}`;
  const slider = $("#replay-slider");
  slider.max = String(data.frames.length);
  let position = 0;
  let timer;
  const show = (next) => {
    position = Math.max(0, Math.min(data.frames.length, next));
    slider.value = String(position);
    const shown = data.frames.slice(0, position);
    renderServices(stateAt(data, shown));
    renderEvents(shown.slice(-300).map((f) => ({ ...f, level: level(f) })), true);
    const last = shown.at(-1);
    $("#replay-position").textContent = last ? `event ${position} of ${data.frames.length} · seq ${last.seq} · t=${(last.timeMs / 1000).toFixed(3)} s · ${last.text}` : `before the first event (of ${data.frames.length})`;
    document.body.dataset.position = String(position);
  };
  const pause = () => { clearInterval(timer); timer = undefined; $("#replay-play").textContent = "Play"; };
  const play = () => {
    $("#replay-play").textContent = "Pause";
    timer = setInterval(() => {
      const base = data.frames[position - 1]?.timeMs ?? data.frames[0]?.timeMs ?? 0;
      const until = base + TICK_MS * Number($("#replay-speed").value);
      let next = position;
      while (next < data.frames.length && data.frames[next].timeMs <= until) next++;
      show(Math.max(next, position + 1));
      if (position >= data.frames.length) pause();
    }, TICK_MS);
  };
  $("#replay-play").addEventListener("click", () => (timer ? pause() : play()));
  $("#replay-step").addEventListener("click", () => { pause(); show(position + 1); });
  $("#replay-back").addEventListener("click", () => { pause(); show(position - 1); });
  slider.addEventListener("input", () => { pause(); show(Number(slider.value)); });
  view.replayDetail = (name) => ({
    name, config: {}, logs: [], checks: [],
    recovery: data.frames.slice(0, position).filter((f) => f.service === name && f.kind !== "instance-state").slice(-30),
  });
  show(0);
}

/** The services as they were after `frames`. */
function stateAt(data, frames) {
  const services = new Map(data.services.map((s) => [s.name, {
    name: s.name, state: "stopped", health: "unknown", healthHistory: [], restarts: 0, strategy: "", dependencies: s.dependencies, instances: new Map(),
  }]));
  for (const f of frames) {
    const s = services.get(f.service);
    if (!s) continue;
    if (f.kind === "service-state") s.state = f.to;
    else if (f.kind === "instance-state") s.instances.set(f.instance & 0xffff, f.to); // the slot: a handle is (generation << 16) | slot
    else if (f.kind === "health" && f.instance < 0) { s.health = f.to; s.healthHistory.push(HEALTH_CODES.indexOf(f.to)); }
    else if (f.kind === "recovery" && /restart/.test(f.text)) s.restarts++;
  }
  return [...services.values()].map((s) => ({
    ...s, healthHistory: s.healthHistory.slice(-60),
    instances: [...s.instances].sort((a, b) => a[0] - b[0]).map(([, state], ordinal) => ({ ordinal, state, pid: null, uptimeMs: null, inFlight: null, breaker: "", ejected: false })),
  }));
}

function level(frame) {
  if (frame.kind === "alert" || frame.to === "failed") return "error";
  if (frame.kind === "fault" || frame.kind === "recovery") return "warn";
  return "info";
}
