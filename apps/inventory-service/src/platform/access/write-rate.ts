/**
 * How many writes one caller may make in a minute: a fixed one-minute window per caller (a key, or a
 * client address), counted in memory on each instance. `tally` answers whether one more write is
 * allowed now, and if not, how many seconds until the window ends. Callers idle for a whole window are
 * forgotten, so the map holds at most the callers of the last minute, and never more than `maxCallers`
 * (the oldest windows go first: a flood of new addresses cannot grow it without bound).
 */
export class WriteRateWindows {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    readonly perMinute: number,
    private readonly maxCallers = 100_000,
    private readonly windowMs = 60_000,
  ) {}

  tally(caller: string, now: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    let window = this.windows.get(caller);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(caller);
      window = { startedAt: now, count: 0 };
      this.windows.set(caller, window);
      this.forgetBeyond(now);
    }
    if (window.count >= this.perMinute)
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000)) };
    window.count += 1;
    return { allowed: true };
  }

  get callers(): number {
    return this.windows.size;
  }

  /** Drop windows that have ended, oldest first (the map is in start order), and any beyond maxCallers. */
  private forgetBeyond(now: number): void {
    for (const [caller, window] of this.windows) {
      if (this.windows.size <= this.maxCallers && now - window.startedAt < this.windowMs) break;
      this.windows.delete(caller);
    }
  }
}
