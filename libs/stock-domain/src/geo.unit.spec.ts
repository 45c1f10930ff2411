import { describe, expect, it } from 'vitest';
import { distanceKm } from './geo';

const westLake = { lat: 30.259, lng: 120.15 };

describe('distanceKm', () => {
  it('measures known distances', () => {
    expect(distanceKm(westLake, westLake)).toBe(0);
    // Hangzhou West Lake to Shanghai People's Square: about 165 km as the crow flies.
    expect(distanceKm(westLake, { lat: 31.2304, lng: 121.4737 })).toBeGreaterThan(160);
    expect(distanceKm(westLake, { lat: 31.2304, lng: 121.4737 })).toBeLessThan(170);
  });
});
