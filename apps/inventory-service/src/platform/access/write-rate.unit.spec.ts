import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WriteRateWindows } from './write-rate';

describe('WriteRateWindows', () => {
  it('allows perMinute writes a caller a minute, then says how long to wait; each caller counts alone', () => {
    const rates = new WriteRateWindows(3);
    expect([0, 1, 2].map((ms) => rates.tally('key:a', ms).allowed)).toEqual([true, true, true]);
    expect(rates.tally('key:a', 20_500)).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(rates.tally('key:b', 20_500).allowed).toBe(true);
    expect(rates.tally('key:a', 60_000).allowed).toBe(true); // a new window
  });

  it('forgets callers whose window has ended, and keeps at most maxCallers', () => {
    const rates = new WriteRateWindows(1, 3);
    for (const caller of ['a', 'b', 'c', 'd', 'e']) rates.tally(caller, 0);
    expect(rates.callers).toBe(3);
    rates.tally('f', 61_000);
    expect(rates.callers).toBe(1);
  });

  it('never allows more than perMinute writes from one caller in any one window, whatever the timing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 200 }), (perMinute, gaps) => {
        const rates = new WriteRateWindows(perMinute);
        let now = 0;
        const allowedAt: number[] = [];
        for (const gap of gaps) {
          now += gap;
          if (rates.tally('one', now).allowed) allowedAt.push(now);
        }
        // Windows start at an allowed write after the previous window ended: count per window.
        let windowStart = -Infinity;
        let inWindow = 0;
        for (const at of allowedAt) {
          if (at - windowStart >= 60_000) {
            windowStart = at;
            inWindow = 0;
          }
          inWindow += 1;
          expect(inWindow).toBeLessThanOrEqual(perMinute);
        }
      }),
    );
  });
});
