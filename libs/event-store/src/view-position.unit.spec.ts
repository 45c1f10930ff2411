import { describe, expect, it } from 'vitest';
import { compareCheckpoints, formatViewPosition, parseViewPosition } from './view-position';

describe('view positions', () => {
  it('round-trip and order by transaction first, then global position', () => {
    const a = { transactionId: '900', globalPosition: 70 };
    const b = { transactionId: '1000', globalPosition: 12 }; // committed later, with a lower position
    expect(parseViewPosition(formatViewPosition(a))).toEqual(a);
    expect(compareCheckpoints(a, b)).toBe(-1);
    expect(compareCheckpoints(b, a)).toBe(1);
    expect(compareCheckpoints(b, { transactionId: '1000', globalPosition: 13 })).toBe(-1);
    expect(compareCheckpoints(a, { ...a })).toBe(0);
  });

  it('rejects what is not a position', () => {
    for (const text of ['', '12', 'a.b', '1.2.3', '-1.2', '1.-2']) expect(parseViewPosition(text)).toBeNull();
  });
});
