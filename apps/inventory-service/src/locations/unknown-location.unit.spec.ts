import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reasonKind } from '../platform/metrics/service-metrics';
import { unknownLocationReason } from './unknown-location';

describe('unknownLocationReason', () => {
  it('names the location and what to do, for a shop-floor event and a pickup alike', () => {
    expect(unknownLocationReason('S0O1')).toBe(
      'unknown location: "S0O1" is not registered; register it with PUT /v1/locations/S0O1 and replay',
    );
    expect(unknownLocationReason('杭州西湖店 1', 'pickup store')).toBe(
      'unknown location: pickup store "杭州西湖店 1" is not registered; register it with PUT /v1/locations/%E6%9D%AD%E5%B7%9E%E8%A5%BF%E6%B9%96%E5%BA%97%201 and replay',
    );
  });

  it('is counted as unknown_location and quotes the id, whatever the id (200 runs: a second or two on a loaded machine)', () => {
    fc.assert(
      // Any UTF-16 string, lone surrogates included (JSON's \ud800 escape gives one).
      fc.property(
        fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }),
        fc.constantFrom(undefined, 'pickup store'),
        (locationId, role) => {
          const reason = unknownLocationReason(locationId, role);
          expect(reasonKind(reason)).toBe('unknown_location');
          expect(reason).toContain(JSON.stringify(locationId));
          expect(reason).toMatch(/ register it with PUT \/v1\/locations\/\S+ and replay$/);
        },
      ),
      { numRuns: 200 },
    );
    expect(unknownLocationReason('A\ud800')).toBe(
      'unknown location: "A\\ud800" is not registered; register it with PUT /v1/locations/{id} and replay',
    );
  });
});
