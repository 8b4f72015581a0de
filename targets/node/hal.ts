// The deterministic HAL of the TypeScript hosts: the replay's virtual clock and splitmix32
// (targets/conformance/determinism.ts, the same in C and Python), plus the kernel's last abort.
import { ReplayHal } from "../conformance/determinism.ts";

export interface AbortReport { message: string; file: string; line: number; column: number }

export class VirtualHal extends ReplayHal {
  /** The kernel's last abort (an assertion or a bounds check): reported with the trap it precedes. */
  lastAbort: AbortReport | null = null;

  override reset(): void {
    super.reset();
    this.lastAbort = null;
  }

  abort(report: AbortReport): void { this.lastAbort = report; }
}
