import { describe, expect, it } from 'vitest';
import { ratePerSecond, samplesWithin } from './event-rate';

describe('event rate from counter samples', () => {
  const samples = [0, 1000, 2000, 3000, 4000, 5000, 6000].map((at, i) => ({ at, total: i * 10 }));

  it('measures from the oldest sample inside the window to now', () => {
    // Window 5 s ending at 6500: the oldest sample inside is at 2000 (total 20); 70 - 20 = 50 over 4.5 s.
    expect(ratePerSecond(samples, { at: 6500, total: 70 }, 5000)).toBe(11.1);
  });

  it('is 0 when nothing moved, when there is no earlier sample, or before any time has passed', () => {
    expect(
      ratePerSecond(
        [
          { at: 0, total: 5 },
          { at: 1000, total: 5 },
        ],
        { at: 2000, total: 5 },
        5000,
      ),
    ).toBe(0);
    expect(ratePerSecond([], { at: 2000, total: 5 }, 5000)).toBe(0);
    expect(ratePerSecond([{ at: 2000, total: 0 }], { at: 2000, total: 5 }, 5000)).toBe(0);
  });

  it('forgets samples older than the window', () => {
    expect(ratePerSecond([{ at: 0, total: 0 }], { at: 10_000, total: 100 }, 5000)).toBe(0);
    expect(samplesWithin(samples, 6000, 2000).map((s) => s.at)).toEqual([4000, 5000, 6000]);
  });
});
