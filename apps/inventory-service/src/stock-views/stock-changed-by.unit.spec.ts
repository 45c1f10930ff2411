import { locationStreamId, skuPolicyStreamId, stockItemStreamId } from '@app/stock-domain';
import { describe, expect, it } from 'vitest';
import { stockChangedBy, stockChangesIn } from './stock-changed-by';

describe('stockChangedBy', () => {
  it('names the SKU of a stock item and of a SKU policy, the location of a location profile', () => {
    expect(stockChangedBy(stockItemStreamId({ locationId: '杭州西湖店 1', sku: 'SKU|1' }))).toEqual({ sku: 'SKU|1' });
    expect(stockChangedBy(skuPolicyStreamId('S001', 'SKU-9'))).toEqual({ sku: 'SKU-9' });
    expect(stockChangedBy(locationStreamId('W 01'))).toEqual({ locationId: 'W 01' });
  });

  it('ignores streams that change no stock view (orders, transfers)', () => {
    expect(stockChangedBy('online-order|O-1')).toBeNull();
    expect(stockChangedBy('transfer|T-1')).toBeNull();
  });

  it('gathers the SKUs and the changed locations of a run of events, each once', () => {
    const streams = [
      stockItemStreamId({ locationId: 'S1', sku: 'A' }),
      stockItemStreamId({ locationId: 'S1', sku: 'A' }),
      stockItemStreamId({ locationId: 'S2', sku: 'A' }),
      skuPolicyStreamId('S1', 'B'),
      locationStreamId('W1'),
      'online-order|O-1',
      locationStreamId('W1'),
    ].map((streamId) => ({ streamId }));
    expect(stockChangesIn(streams)).toEqual({ skus: new Set(['A', 'B']), locations: new Set(['W1']) });
  });
});
