// A bounded log of one instance's output: the newest `linesMax` lines, each cut at
// `lineCharsMax`, plus a byte budget per second so a process that floods stdout costs a counter,
// not memory (journald's RateLimitBurst, in bytes). Memory is bounded by
// linesMax x lineCharsMax + one partial line per stream, whatever the process writes.

export type LogStream = "stdout" | "stderr" | "myco";

export interface LogLine {
  timeMs: number;
  stream: LogStream;
  text: string;
}

export interface LogRingOptions {
  /** Lines kept (the oldest are overwritten). Default 1000. */
  linesMax?: number;
  /** Characters kept of a line; a longer line is cut and marked with "…". Default 4096. */
  lineCharsMax?: number;
  /** Bytes accepted per second and stream before the rest of that second is dropped. Default 1 MiB. */
  bytesPerSecondMax?: number;
  /** The clock (ms); Date.now by default. */
  nowMs?: () => number;
}

export interface LogCounters {
  /** Lines written into the ring (including ones since overwritten). */
  lines: number;
  /** Lines overwritten by newer ones. */
  overwritten: number;
  /** Lines cut at lineCharsMax. */
  truncated: number;
  /** Bytes received from the process. */
  bytes: number;
  /** Bytes dropped by the rate limit. */
  droppedBytes: number;
}

interface Partial { text: string; cut: boolean }

export class LogRing {
  readonly linesMax: number;
  readonly lineCharsMax: number;
  readonly bytesPerSecondMax: number;
  private readonly nowMs: () => number;
  private readonly ring: (LogLine | undefined)[];
  private next = 0;
  private readonly partial = new Map<LogStream, Partial>();
  private windowStartMs = 0;
  private readonly windowBytes = new Map<LogStream, number>();
  private readonly windowDropped = new Map<LogStream, number>();
  readonly counters: LogCounters = { lines: 0, overwritten: 0, truncated: 0, bytes: 0, droppedBytes: 0 };
  /** Called with every line as it enters the ring (to echo a service's output live). */
  onLine: ((line: LogLine) => void) | undefined;

  constructor(options: LogRingOptions = {}) {
    this.linesMax = Math.max(1, options.linesMax ?? 1000);
    this.lineCharsMax = Math.max(16, options.lineCharsMax ?? 4096);
    this.bytesPerSecondMax = Math.max(1, options.bytesPerSecondMax ?? 1 << 20);
    this.nowMs = options.nowMs ?? Date.now;
    this.ring = new Array(this.linesMax);
  }

  /** Appends raw output; complete lines go into the ring, the unfinished tail waits. */
  write(stream: LogStream, chunk: Buffer | string): void {
    const bytes = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    this.counters.bytes += bytes;
    if (!this.admit(stream, bytes)) return;
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      this.append(stream, text.slice(start, end));
      this.flushPartial(stream);
      start = end + 1;
    }
    if (start < text.length) this.append(stream, text.slice(start));
  }

  /** A line from the supervisor itself (spawn, exit, dropped output). */
  note(text: string): void { this.push({ timeMs: this.nowMs(), stream: "myco", text }); }

  /** Ends every unfinished line (the process exited). */
  flush(): void {
    for (const stream of [...this.partial.keys()]) this.flushPartial(stream);
    this.reportDropped();
  }

  /** The newest `count` lines (all by default), oldest first. */
  lines(count = this.linesMax): LogLine[] {
    const n = Math.min(count, this.size);
    const out: LogLine[] = [];
    for (let i = n; i > 0; i--) out.push(this.ring[(this.next - i + this.linesMax) % this.linesMax]!);
    return out;
  }

  get size(): number { return Math.min(this.counters.lines, this.linesMax); }

  /**
   * Lines numbered after `seq` (a line's number is its position in everything ever written,
   * from 1), oldest first, and the number to pass next time: `tail -f` without missing a line
   * that is still in the ring.
   */
  since(seq: number): { lines: LogLine[]; next: number } {
    const total = this.counters.lines;
    const count = Math.max(0, Math.min(total - seq, this.size));
    return { lines: count === 0 ? [] : this.lines(count), next: total };
  }

  /** The last line of `stream` (for "exited at once" messages), if any. */
  lastLine(stream?: LogStream): string | undefined {
    for (let i = 1; i <= this.size; i++) {
      const line = this.ring[(this.next - i + this.linesMax) % this.linesMax]!;
      if (line.stream !== "myco" && (stream === undefined || line.stream === stream) && line.text.trim()) return line.text;
    }
    return undefined;
  }

  private admit(stream: LogStream, bytes: number): boolean {
    const now = this.nowMs();
    if (now - this.windowStartMs >= 1000) {
      this.reportDropped();
      this.windowStartMs = now;
      this.windowBytes.clear();
    }
    const used = this.windowBytes.get(stream) ?? 0;
    if (used >= this.bytesPerSecondMax) {
      this.counters.droppedBytes += bytes;
      this.windowDropped.set(stream, (this.windowDropped.get(stream) ?? 0) + bytes);
      return false;
    }
    this.windowBytes.set(stream, used + bytes);
    return true;
  }

  private reportDropped(): void {
    for (const [stream, dropped] of this.windowDropped) {
      if (dropped > 0) this.note(`${dropped} bytes of ${stream} dropped (more than ${this.bytesPerSecondMax} bytes/s)`);
    }
    this.windowDropped.clear();
  }

  private append(stream: LogStream, piece: string): void {
    const partial = this.partial.get(stream) ?? { text: "", cut: false };
    if (!partial.cut) {
      const room = this.lineCharsMax - partial.text.length;
      if (piece.length > room) {
        partial.text += piece.slice(0, Math.max(0, room));
        partial.cut = true;
      } else partial.text += piece;
    }
    this.partial.set(stream, partial);
  }

  private flushPartial(stream: LogStream): void {
    const partial = this.partial.get(stream);
    if (!partial) return;
    this.partial.delete(stream);
    if (partial.cut) this.counters.truncated++;
    const text = partial.text.endsWith("\r") ? partial.text.slice(0, -1) : partial.text;
    this.push({ timeMs: this.nowMs(), stream, text: partial.cut ? `${text}…` : text });
  }

  private push(line: LogLine): void {
    this.onLine?.(line);
    if (this.counters.lines >= this.linesMax) this.counters.overwritten++;
    this.ring[this.next] = line;
    this.next = (this.next + 1) % this.linesMax;
    this.counters.lines++;
  }
}
