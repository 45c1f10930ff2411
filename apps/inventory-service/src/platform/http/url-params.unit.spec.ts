import { parseInboundMessage } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { asOfParam, skuListParam, skuParam } from './url-params';

describe('SKUs in URLs and in events: one rule', () => {
  it('takes a comma-separated list, trimmed and without repeats or blanks', () => {
    expect(skuListParam('skus', ' SKU-1,SKU-2,,SKU-1 ')).toEqual(['SKU-1', 'SKU-2']);
    expect(skuListParam('skus', undefined)).toEqual([]);
  });

  it('answers 400 naming the field for a SKU with a space, or of more than 100 characters', () => {
    for (const [field, check] of [
      ['sku', () => skuParam('sku', 'SKU 1')],
      ['skus', () => skuListParam('skus', `SKU-1,${'x'.repeat(101)}`)],
    ] as const) {
      try {
        check();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).getResponse()).toMatchObject({
          code: 'STOCK.INVALID_SKU',
          details: [{ field, problem: expect.stringContaining('is not a valid SKU') }],
        });
      }
    }
  });

  it('dead-letters an event whose SKU the read side could never look up', () => {
    const sale = { eventId: 'e-1', type: 'StoreSaleRecorded', occurredAt: '2026-11-11T00:00:01+08:00', storeId: 'S001', receiptId: 'R-1' };
    expect(
      parseInboundMessage('offlineSales', Buffer.from(JSON.stringify({ ...sale, lines: [{ sku: 'SKU-1', quantity: 1 }] }))),
    ).toMatchObject({ ok: true });
    const rejected = parseInboundMessage(
      'offlineSales',
      Buffer.from(JSON.stringify({ ...sale, lines: [{ sku: 'SKU 1,2', quantity: 1 }] })),
    );
    expect(rejected).toMatchObject({
      ok: false,
      reason: expect.stringContaining('lines.0.sku: a SKU is 1 to 100 characters with no spaces or commas'),
    });
  });
});

describe('asOfParam', () => {
  it('takes an ISO-8601 moment with its zone', () => {
    expect(asOfParam('2026-11-11T20:00:00+08:00')).toBe('2026-11-11T20:00:00+08:00');
    expect(asOfParam('2026-11-11T12:00:00.250Z')).toBe('2026-11-11T12:00:00.250Z');
  });

  it('refuses a moment without a zone, a date alone, nonsense or a repeat with a 400 naming asOf', () => {
    for (const bad of ['2026-11-11T20:00:00', '2026-11-11', 'yesterday', '', ['2026-11-11T20:00:00Z', '2026-11-12T20:00:00Z']]) {
      expect(() => asOfParam(bad)).toThrow(
        expect.objectContaining({ code: 'STOCK.INVALID_AS_OF', details: [expect.objectContaining({ field: 'asOf' })] }),
      );
    }
  });
});
