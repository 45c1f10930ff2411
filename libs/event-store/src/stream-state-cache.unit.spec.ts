import { describe, expect, it } from 'vitest';
import { StreamStateCache } from './stream-state-cache';

describe('StreamStateCache', () => {
  it('keeps the most recently used streams, up to its capacity', () => {
    const cache = new StreamStateCache<string>(2);
    cache.remember('a', 1, 'a1');
    cache.remember('b', 1, 'b1');
    cache.get('a'); // a is now the most recently used
    cache.remember('c', 1, 'c1');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ version: 1, state: 'a1' });
    expect(cache.get('c')).toEqual({ version: 1, state: 'c1' });
    expect(cache.size).toBe(2);
  });

  it('never goes back to an older version of a stream (commits can be remembered out of order)', () => {
    const cache = new StreamStateCache<string>(10);
    cache.remember('a', 7, 'a7');
    cache.remember('a', 6, 'a6');
    expect(cache.get('a')).toEqual({ version: 7, state: 'a7' });
    cache.remember('a', 8, 'a8');
    expect(cache.get('a')).toEqual({ version: 8, state: 'a8' });
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('with capacity 0, keeps nothing; refuses a capacity that is not a whole number', () => {
    const off = new StreamStateCache<string>(0);
    off.remember('a', 1, 'a1');
    expect(off.get('a')).toBeUndefined();
    expect(() => new StreamStateCache<string>(-1)).toThrow(/capacity/);
  });
});
