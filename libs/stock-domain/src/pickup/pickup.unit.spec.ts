import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceKm } from '../geo';
import { pickupOptionsNear } from './pickup';

const westLake = { lat: 30.259, lng: 120.15 };

describe('pickupOptionsNear', () => {
  it('lists stores within the radius that have stock, nearest first', () => {
    const options = pickupOptionsNear(westLake, 5, [
      { locationId: 'FAR', available: 9, lat: 30.42, lng: 120.3 },
      { locationId: 'EMPTY', available: 0, lat: 30.26, lng: 120.151 },
      { locationId: 'NEAR', available: 3, lat: 30.262, lng: 120.152 },
      { locationId: 'MID', available: 1, lat: 30.276, lng: 120.163 },
    ]);
    expect(options.map((o) => o.locationId)).toEqual(['NEAR', 'MID']);
    expect(options[0]!.distanceKm).toBeLessThan(options[1]!.distanceKm);
  });

  it('never lists a store without stock or beyond the radius, and is sorted', () => {
    const candidate = fc.record({
      locationId: fc.string({ minLength: 1, maxLength: 4 }),
      available: fc.integer({ min: -5, max: 5 }),
      lat: fc.double({ min: 29.5, max: 31, noNaN: true }),
      lng: fc.double({ min: 119.5, max: 121, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 30 }), fc.double({ min: 0.1, max: 100, noNaN: true }), (candidates, radius) => {
        const options = pickupOptionsNear(westLake, radius, candidates);
        for (const option of options) {
          expect(option.available).toBeGreaterThan(0);
          expect(option.distanceKm).toBeLessThanOrEqual(radius + 0.01);
        }
        for (let i = 1; i < options.length; i += 1) expect(options[i]!.distanceKm).toBeGreaterThanOrEqual(options[i - 1]!.distanceKm);
        const expected = candidates.filter((c) => c.available > 0 && distanceKm(westLake, c) <= radius).length;
        expect(options).toHaveLength(expected);
      }),
    );
  });
});
