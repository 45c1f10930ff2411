import { kindOfStream } from '@app/event-store';
import { locationStreamId, onlineOrderStreamId, skuPolicyStreamId, stockItemStreamId, transferStreamId } from '@app/stock-domain';
import { describe, expect, it } from 'vitest';
import { onlineOrderKind, transferKind } from '../fulfillment/fulfillment-persistence';
import { locationKind } from '../locations/location-stream';
import { skuPolicyKind } from '../sku-policies/sku-policy-stream';
import { stockItemKind } from '../stock/stock-item-persistence';
import { STREAM_KINDS } from './inspect-stream';

describe('the stream kinds the service writes', () => {
  const awkward = 'S|1 %/é';
  const cases = [
    { kind: stockItemKind, key: { locationId: awkward, sku: 'SKU|2' }, minted: stockItemStreamId({ locationId: awkward, sku: 'SKU|2' }) },
    { kind: onlineOrderKind, key: awkward, minted: onlineOrderStreamId(awkward) },
    { kind: transferKind, key: awkward, minted: transferStreamId(awkward) },
    { kind: locationKind, key: awkward, minted: locationStreamId(awkward) },
    { kind: skuPolicyKind, key: { locationId: awkward, sku: 'SKU|2' }, minted: skuPolicyStreamId(awkward, 'SKU|2') },
  ];

  it.each(cases)('$kind.name mints the domain’s stream id and reads its key back', ({ kind, key, minted }) => {
    expect((kind.streamId as (key: unknown) => string)(key)).toBe(minted);
    expect(kind.keyOf(minted)).toEqual(key);
    expect(kindOfStream(STREAM_KINDS, minted)).toBe(kind);
  });

  it('are all registered, each under its own name, and read no other kind’s ids', () => {
    expect(new Set(STREAM_KINDS.map((kind) => kind.name)).size).toBe(cases.length);
    for (const { kind } of cases) {
      for (const { kind: other, minted } of cases) if (other !== kind) expect(kind.keyOf(minted)).toBeNull();
    }
  });
});
