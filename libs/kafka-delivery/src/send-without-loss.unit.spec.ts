import type { Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { sendWithoutLoss } from './send-without-loss';

/** A producer that records each send (the function under test only calls `send`). */
function recordingProducer(fail?: (record: ProducerRecord) => boolean) {
  const sends: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      if (fail?.(record)) throw new Error(`broker refused ${record.topic}`);
      sends.push(record);
      return [];
    },
  } as unknown as Producer;
  return { producer, sends };
}

describe('sendWithoutLoss', () => {
  it('sends each topic key by key, every send with acks from all in-sync replicas, keeping each key order', async () => {
    const { producer, sends } = recordingProducer();
    await sendWithoutLoss(producer, [
      {
        topic: 'sales',
        messages: [
          { key: 'S1', value: 'a' },
          { key: 'S2', value: 'b' },
          { key: Buffer.from('S1'), value: 'c' },
        ],
      },
      { topic: 'orders', messages: [{ key: 'O1', value: 'd' }] },
    ]);
    expect(sends.map((s) => ({ topic: s.topic, acks: s.acks, values: s.messages.map((m) => m.value) }))).toEqual([
      { topic: 'sales', acks: -1, values: ['a', 'c'] },
      { topic: 'sales', acks: -1, values: ['b'] },
      { topic: 'orders', acks: -1, values: ['d'] },
    ]);
  });

  it('gives a message without a key a send of its own (the partitioner spreads those)', async () => {
    const { producer, sends } = recordingProducer();
    await sendWithoutLoss(producer, [{ topic: 't', messages: [{ value: 'x' }, { key: null, value: 'y' }] }]);
    expect(sends.map((s) => s.messages.map((m) => m.value))).toEqual([['x'], ['y']]);
  });

  it('rejects when a send fails, after the sends already on their way', async () => {
    const { producer, sends } = recordingProducer((record) => record.messages[0]!.key === 'bad');
    await expect(
      sendWithoutLoss(producer, [
        {
          topic: 't',
          messages: [
            { key: 'bad', value: '1' },
            { key: 'good', value: '2' },
          ],
        },
      ]),
    ).rejects.toThrow('broker refused t');
    expect(sends.map((s) => s.messages[0]!.value)).toEqual(['2']);
  });

  it('sends nothing for an empty batch', async () => {
    const { producer, sends } = recordingProducer();
    await sendWithoutLoss(producer, [{ topic: 't', messages: [] }]);
    expect(sends).toEqual([]);
  });
});
