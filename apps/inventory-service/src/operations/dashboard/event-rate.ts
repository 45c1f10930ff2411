/** One reading of a monotonic counter. */
export interface CounterSample {
  /** Milliseconds (any monotonic clock). */
  at: number;
  total: number;
}

/**
 * The counter's rate per second over the last `windowMs`: from the oldest sample inside the window
 * to `now`. No sample in the window, or no time between them, is a rate of 0.
 */
export function ratePerSecond(samples: readonly CounterSample[], now: CounterSample, windowMs: number): number {
  const from = samples.find((sample) => sample.at >= now.at - windowMs && sample.at < now.at);
  if (!from) return 0;
  const rate = ((now.total - from.total) * 1000) / (now.at - from.at);
  return Math.max(0, Math.round(rate * 10) / 10);
}

/** The samples still worth keeping for a window ending at `now`. */
export function samplesWithin(samples: readonly CounterSample[], nowMs: number, windowMs: number): CounterSample[] {
  return samples.filter((sample) => sample.at >= nowMs - windowMs);
}
