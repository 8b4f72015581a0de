// The real-time driver: the Node event loop runs the kernel. After every host event (a process
// started or exited, a check answered, an operator command) and at the kernel's next deadline,
// it ticks the kernel, hands the actions out and passes the new events on. It never sleeps in
// the kernel: a blocking kernel.run() would freeze the very event loop that delivers the
// child-process events the kernel is waiting for.
import type { Kernel } from "../kernel/kernel.ts";
import type { Action, KernelEvent } from "../kernel/abi.ts";
import type { Hal } from "../hal/hal.ts";

/** Rounds of tick + drain in one pump before it yields to the event loop (a livelock guard). */
const ROUNDS_PER_PUMP_MAX = 64;
/** setTimeout's ceiling (~24.8 days); longer deadlines are re-armed when it fires. */
const TIMER_MS_MAX = 0x7fffffff;

export class Driver {
  private readonly actionListeners: ((action: Action) => void)[] = [];
  private readonly eventListeners: ((event: KernelEvent) => void)[] = [];
  private readonly errorListeners: ((error: unknown) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private pending: NodeJS.Immediate | undefined;
  private running = false;
  /** Pumps run, and actions handed out (for tests and status). */
  pumps = 0;
  actions = 0;

  constructor(readonly kernel: Kernel, private readonly hal: Hal) {}

  onAction(listener: (action: Action) => void): () => void { return add(this.actionListeners, listener); }
  onEvent(listener: (event: KernelEvent) => void): () => void { return add(this.eventListeners, listener); }
  /** A listener threw, or the kernel refused a call the driver made (never silently dropped). */
  onError(listener: (error: unknown) => void): () => void { return add(this.errorListeners, listener); }

  start(): void {
    this.running = true;
    this.poke();
  }

  /** Stops driving (timers cleared); the kernel keeps its state. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
  }

  /** Something changed for the kernel: pump on the next turn of the event loop (coalesced). */
  poke(): void {
    if (!this.running || this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.pump();
    });
  }

  /** Runs `call` against the kernel (a report or a command), then pokes; errors go to onError. */
  call<T>(call: () => T): T | undefined {
    try {
      return call();
    } catch (error) {
      this.fail(error);
      return undefined;
    } finally {
      this.poke();
    }
  }

  /** Ticks, hands out actions and events until the kernel is quiet, then arms the next deadline. */
  pump(): void {
    if (!this.running) return;
    this.pumps++;
    for (let round = 0; round < ROUNDS_PER_PUMP_MAX; round++) {
      try {
        this.kernel.tick();
      } catch (error) {
        this.fail(error);
      }
      const actions = this.kernel.drainActions();
      this.actions += actions.length;
      for (const action of actions) this.emit(this.actionListeners, action);
      for (const event of this.kernel.readEvents()) this.emit(this.eventListeners, event);
      if (actions.length === 0) break;
      if (round === ROUNDS_PER_PUMP_MAX - 1) this.poke(); // more to do: yield, then continue
    }
    this.arm();
  }

  private arm(): void {
    const deadline = this.kernel.nextDeadline();
    if (deadline === null) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt === deadline) return;
    clearTimeout(this.timer);
    // +1 ms: the HAL clock counts whole milliseconds, so waking a hair early would find nothing due.
    const delay = Math.min(TIMER_MS_MAX, Math.max(0, deadline - Number(this.hal.nowMs())) + 1);
    this.timerAt = deadline;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, delay);
  }

  private emit<T>(listeners: ((value: T) => void)[], value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.fail(error);
      }
    }
  }

  private fail(error: unknown): void {
    if (this.errorListeners.length === 0) console.error("myco:", error);
    for (const listener of this.errorListeners) listener(error);
  }
}

function add<T>(list: T[], item: T): () => void {
  list.push(item);
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
}
