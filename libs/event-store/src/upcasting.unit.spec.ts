import { describe, expect, it } from 'vitest';
import { upcasterChain } from './upcasting';

type ParcelEvent = { type: 'ParcelWeighed'; data: { grams: number; scale: string } } | { type: 'ParcelLabelled'; data: { label: string } };

// v1 stored kilograms; v2 stores grams; v3 adds the scale that weighed it.
const upcast = upcasterChain<ParcelEvent>(
  {
    ParcelWeighed: {
      1: ({ kilograms, ...rest }) => ({ ...rest, grams: Math.round(Number(kilograms) * 1000) }),
      2: (data) => ({ ...data, scale: 'unknown' }),
    },
  },
  { ParcelWeighed: 3 },
);

describe('upcasterChain', () => {
  it('lifts an old event through every step to the current shape', () => {
    expect(upcast({ type: 'ParcelWeighed', schemaVersion: 1, data: { kilograms: 1.25 } })).toEqual({
      type: 'ParcelWeighed',
      data: { grams: 1250, scale: 'unknown' },
    });
    expect(upcast({ type: 'ParcelWeighed', schemaVersion: 2, data: { grams: 80 } }).data).toEqual({ grams: 80, scale: 'unknown' });
  });

  it('passes current events through untouched', () => {
    const data = { grams: 5, scale: 'S1' };
    expect(upcast({ type: 'ParcelWeighed', schemaVersion: 3, data }).data).toBe(data);
    expect(upcast({ type: 'ParcelLabelled', schemaVersion: 1, data: { label: 'x' } }).data).toEqual({ label: 'x' });
  });

  it('refuses events from a newer version of the code, and gaps in the chain', () => {
    expect(() => upcast({ type: 'ParcelWeighed', schemaVersion: 4, data: {} })).toThrow(/newer than this code/);
    const gappy = upcasterChain<ParcelEvent>({ ParcelWeighed: { 2: (d) => d } }, { ParcelWeighed: 3 });
    expect(() => gappy({ type: 'ParcelWeighed', schemaVersion: 1, data: {} })).toThrow(/no upcaster .* from schema version 1/);
  });
});
