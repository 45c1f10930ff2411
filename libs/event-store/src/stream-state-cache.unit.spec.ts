import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamStateCache } from './stream-state-cache';

/** A state's size here is its length: easy to reason about. */
const byLength = (_streamId: string, state: string) => state.length;

describe('StreamStateCache', () => {
  it('keeps the most recently used streams while they fit its capacity in bytes', () => {
    const cache = new StreamStateCache<string>(4, byLength);
    cache.remember('a', 1, 'a1');
    cache.remember('b', 1, 'b1');
    cache.get('a'); // a is now the most recently used
    cache.remember('c', 1, 'c1');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ version: 1, state: 'a1' });
    expect(cache.get('c')).toEqual({ version: 1, state: 'c1' });
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(4);
  });

  it('makes room for one large state by evicting several small ones, and keeps none larger than the whole capacity', () => {
    const cache = new StreamStateCache<string>(10, byLength);
    for (const id of ['a', 'b', 'c', 'd', 'e']) cache.remember(id, 1, `${id}1`);
    cache.remember('big', 1, 'x'.repeat(7));
    expect(cache.get('big')?.state).toBe('xxxxxxx');
    expect(cache.size).toBe(2); // 'e1' (2 bytes) and the big one (7)
    expect(cache.bytes).toBe(9);
    cache.remember('huge', 1, 'y'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBe(9);
  });

  it('never goes back to an older version of a stream (commits can be remembered out of order)', () => {
    const cache = new StreamStateCache<string>(100, byLength);
    cache.remember('a', 7, 'a7');
    cache.remember('a', 6, 'a6');
    expect(cache.get('a')).toEqual({ version: 7, state: 'a7' });
    cache.remember('a', 8, 'a888');
    expect(cache.get('a')).toEqual({ version: 8, state: 'a888' });
    expect(cache.bytes).toBe(4);
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('with capacity 0, keeps nothing; refuses a capacity that is not a whole number', () => {
    const off = new StreamStateCache<string>(0, byLength);
    off.remember('a', 1, 'a1');
    expect(off.get('a')).toBeUndefined();
    expect(() => new StreamStateCache<string>(-1, byLength)).toThrow(/capacity/);
  });

  it('whatever is remembered, forgotten and read, the bytes it holds stay within its capacity and equal the sum of what it keeps', () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('remember' as const),
        id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
        version: fc.nat(5),
        state: fc.string({ maxLength: 40 }),
      }),
      fc.record({ kind: fc.constant('forget' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
      fc.record({ kind: fc.constant('get' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
    );
    fc.assert(
      fc.property(fc.nat(60), fc.array(operation, { maxLength: 60 }), (capacity, operations) => {
        const cache = new StreamStateCache<string>(capacity, byLength);
        for (const op of operations) {
          if (op.kind === 'remember') cache.remember(op.id, op.version, op.state);
          else if (op.kind === 'forget') cache.forget(op.id);
          else cache.get(op.id);
          expect(cache.bytes).toBeLessThanOrEqual(capacity);
        }
        const kept = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => cache.get(id)?.state.length ?? 0).reduce((sum, n) => sum + n, 0);
        expect(cache.bytes).toBe(kept);
      }),
    );
  });
});
