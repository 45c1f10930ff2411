import { describe, expect, it } from 'vitest';
import { correlationIdFor, inboundCorrelationId, kafkaBatchLogFields } from './correlation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlationIdFor', () => {
  it("keeps the caller's id when it is 1 to 200 printable characters", () => {
    expect(correlationIdFor('corr-123')).toBe('corr-123');
    expect(correlationIdFor('a b/c:d=e')).toBe('a b/c:d=e');
    expect(correlationIdFor('x'.repeat(200))).toBe('x'.repeat(200));
  });

  it('makes up a UUID when there is none or it is not acceptable', () => {
    for (const header of [undefined, '', 'x'.repeat(201), 'tab\there', 'line\nbreak', 'ünïcode', ['a', 'b']]) {
      expect(correlationIdFor(header)).toMatch(UUID);
    }
    expect(correlationIdFor(undefined)).not.toBe(correlationIdFor(undefined));
  });
});

describe('kafkaBatchLogFields', () => {
  it("names the batch's topic, partition and first and last offsets", () => {
    expect(kafkaBatchLogFields('retail.sales.offline', 2, [{ offset: '10' }, { offset: '11' }, { offset: '14' }])).toEqual({
      correlationId: 'retail.sales.offline[2]@10-14',
      topic: 'retail.sales.offline',
      partition: 2,
      firstOffset: '10',
      lastOffset: '14',
    });
  });
});

describe('inboundCorrelationId', () => {
  it("is the orderId when the event has one, else its eventId, as the events' metadata has it", () => {
    expect(inboundCorrelationId(Buffer.from(JSON.stringify({ eventId: 'e-1', orderId: 'O-1', type: 'OnlineOrderPlaced' })))).toBe('O-1');
    expect(inboundCorrelationId(Buffer.from(JSON.stringify({ eventId: 'e-2', type: 'StockReceived' })))).toBe('e-2');
  });

  it('is undefined for a value without either: not JSON, not an object, no ids, or none at all', () => {
    for (const value of [
      null,
      Buffer.from('not json'),
      Buffer.from('[1,2]'),
      Buffer.from('"e-1"'),
      Buffer.from('{"eventId":42}'),
      Buffer.from('{}'),
    ]) {
      expect(inboundCorrelationId(value)).toBeUndefined();
    }
  });
});
