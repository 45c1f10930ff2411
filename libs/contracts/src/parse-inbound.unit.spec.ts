import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_QUANTITY } from './inbound-events';
import { parseInboundMessage, pathOfNulCharacter, validateInboundEvent } from './parse-inbound';

const sale = {
  eventId: 'e-1',
  type: 'StoreSaleRecorded',
  occurredAt: '2026-11-11T10:00:00Z',
  storeId: 'S001',
  receiptId: 'R-1',
  lines: [{ sku: 'SKU-1', quantity: 2 }],
};

describe('the NUL character (U+0000), which PostgreSQL cannot store', () => {
  it('is a schema violation naming the field, wherever it is in the event', () => {
    const raw = (event: unknown) => Buffer.from(JSON.stringify(event));
    expect(parseInboundMessage('offlineSales', raw({ ...sale, receiptId: 'R\u0000' }))).toEqual({
      ok: false,
      reason: 'schema violation: receiptId: contains the NUL character (U+0000), which cannot be stored',
      problems: [{ field: 'receiptId', problem: 'contains the NUL character (U+0000), which cannot be stored' }],
    });
    expect(validateInboundEvent('offlineSales', { ...sale, lines: [sale.lines[0], { sku: 'A\u0000B', quantity: 1 }] })).toMatchObject({
      ok: false,
      problems: [{ field: 'lines.1.sku' }],
    });
    expect(validateInboundEvent('offlineSales', { ...sale, ['x\u0000']: 1 })).toMatchObject({
      ok: false,
      problems: [{ field: '(a key)' }],
    });
    expect(parseInboundMessage('offlineSales', Buffer.from('"\\u0000"'))).toMatchObject({ ok: false, problems: [{ field: '(message)' }] });
  });

  it('leaves an event without it to the contract', () => {
    expect(parseInboundMessage('offlineSales', Buffer.from(JSON.stringify(sale)))).toMatchObject({ ok: true, event: sale });
    expect(parseInboundMessage('offlineSales', Buffer.from(JSON.stringify({ ...sale, receiptId: 'R\\u0000 as text' })))).toMatchObject({
      ok: true,
    });
  });

  it('is found in any JSON value that holds it, and only then', () => {
    fc.assert(
      // Strings (and keys) drawn from a few characters, NUL among them: about half the values hold one.
      fc.property(fc.jsonValue({ stringUnit: fc.constantFrom('\u0000', 'a', 'é', '\u{1F600}') }), (value) => {
        const text = JSON.stringify(value);
        const holdsNul = text !== undefined && JSON.stringify(JSON.parse(text)).includes('\\u0000');
        expect(pathOfNulCharacter(value) !== null).toBe(holdsNul);
      }),
    );
  });
});

describe('quantities', () => {
  it('are at most 1,000,000 units a line, so no line can overflow a stock view', () => {
    expect(MAX_LINE_QUANTITY).toBe(1_000_000);
    const withQuantity = (quantity: number) => validateInboundEvent('offlineSales', { ...sale, lines: [{ sku: 'SKU-1', quantity }] });
    expect(withQuantity(1_000_000)).toMatchObject({ ok: true });
    expect(withQuantity(3_000_000_000)).toMatchObject({ ok: false, problems: [{ field: 'lines.0.quantity' }] });
    const adjustment = (delta: number) =>
      validateInboundEvent('stockMovements', {
        eventId: 'a-1',
        type: 'StockAdjusted',
        occurredAt: '2026-11-11T10:00:00Z',
        locationId: 'S001',
        reason: 'found',
        lines: [{ sku: 'SKU-1', delta }],
      });
    expect(adjustment(-1_000_000)).toMatchObject({ ok: true });
    expect(adjustment(-1_000_001)).toMatchObject({ ok: false, problems: [{ field: 'lines.0.delta' }] });
    const count = (countedQuantity: number) =>
      validateInboundEvent('stockMovements', {
        eventId: 'c-1',
        type: 'StockCounted',
        occurredAt: '2026-11-11T10:00:00Z',
        locationId: 'S001',
        lines: [{ sku: 'SKU-1', countedQuantity }],
      });
    expect(count(2 ** 31)).toMatchObject({ ok: false, problems: [{ field: 'lines.0.countedQuantity' }] });
  });
});

describe('the occurredAt window (2000-01-01T00:00:00Z to the clock plus MAX_CLOCK_SKEW)', () => {
  const window = { now: new Date('2026-11-11T10:00:00Z'), maxClockSkewMs: 60 * 60 * 1000 };
  const at = (occurredAt: string) => validateInboundEvent('offlineSales', { ...sale, occurredAt }, window);

  it('takes its edges, in any offset', () => {
    expect(at('2000-01-01T00:00:00Z')).toMatchObject({ ok: true });
    expect(at('2000-01-01T08:00:00+08:00')).toMatchObject({ ok: true });
    expect(at('2026-11-11T11:00:00Z')).toMatchObject({ ok: true });
    expect(at('2026-11-11T06:00:00-05:00')).toMatchObject({ ok: true });
  });

  it('refuses just outside, naming occurredAt and the window', () => {
    for (const outside of [
      '1999-12-31T23:59:59.999Z',
      '2000-01-01T07:59:59+08:00',
      '2026-11-11T11:00:00.001Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
    ]) {
      const parsed = at(outside);
      expect(parsed).toMatchObject({ ok: false, problems: [{ field: 'occurredAt' }] });
      if (!parsed.ok)
        expect(parsed.reason).toBe(
          `occurredAt out of window: occurredAt ${outside} is outside the accepted window 2000-01-01T00:00:00.000Z to 2026-11-11T11:00:00.000Z (the service clock plus MAX_CLOCK_SKEW of 3600000 ms)`,
        );
    }
  });

  it('is a pure function of the clock passed in', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (offsetMs) => {
        const occurredAt = new Date(window.now.getTime() + offsetMs).toISOString();
        expect(at(occurredAt).ok).toBe(offsetMs <= window.maxClockSkewMs);
      }),
    );
  });
});
