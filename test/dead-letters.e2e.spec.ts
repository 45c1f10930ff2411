import { DEAD_LETTER_HEADERS, TOPIC_ENV_VARS, type TopicRole } from '@app/contracts';
import type { IHeaders, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/built-apps';
import { documentedFetch as fetch } from './support/documented-answers';
import { registerLocations } from './support/locations';
import { connectedProducer, eventually, readTopic, sendJson, testKafka, type ConsumedMessage } from './support/test-kafka';
import { startTestService, type RunningTestService } from './support/test-service';

const kafka = testKafka();
let service: RunningTestService;
let producer: Producer;

beforeAll(async () => {
  service = await startTestService();
  await registerLocations(service.baseUrl, ['S001', 'W01'], service.operatorHeaders);
  producer = await connectedProducer(kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
});

const SIGNATURE = Buffer.from([0x00, 0xff, 0x10, 0x41]);

function expectOriginalHeaders(message: ConsumedMessage): void {
  expect(Buffer.compare(message.rawHeaders['x-signature'] as Buffer, SIGNATURE)).toBe(0);
  expect((message.rawHeaders['x-hop'] as Buffer[]).map(String)).toEqual(['edge-1', 'edge-2']);
}

async function onHand(sku: string): Promise<number> {
  return ((await (await fetch(`${service.baseUrl}/v1/stock/${sku}`)).json()) as { onHand: number }).onHand;
}

describe('dead letters on real Kafka', () => {
  it('sends bad JSON, schema violations and events it cannot apply to the DLQ unchanged, with source and reason, and keeps going', async () => {
    const { topics } = service.config.kafka;
    await producer.send({
      topic: topics.offlineSales,
      acks: -1,
      messages: [
        // Headers go to the DLQ byte for byte: binary (a NUL, invalid UTF-8) and repeated ones too.
        {
          key: 'S001',
          value: '{"eventId": "broken"',
          headers: { 'x-pos-vendor': 'acme', 'x-signature': SIGNATURE, 'x-hop': ['edge-1', 'edge-2'] },
        },
        {
          key: 'S001',
          value: JSON.stringify({
            eventId: 'dl-2',
            type: 'StoreSaleRecorded',
            occurredAt: 'yesterday',
            storeId: 'S001',
            receiptId: 'R',
            lines: [{ sku: 'DL-1', quantity: 1 }],
          }),
        },
        // PostgreSQL cannot store U+0000 in text or jsonb: rejected when read, never a failing batch.
        {
          key: 'S001',
          value: JSON.stringify({
            eventId: 'dl-nul',
            type: 'StoreSaleRecorded',
            occurredAt: '2026-11-11T00:00:00Z',
            storeId: 'S001',
            receiptId: 'R\u0000',
            lines: [{ sku: 'DL-1', quantity: 5 }],
          }),
        },
        {
          key: 'S001',
          value: JSON.stringify({
            eventId: 'dl-3',
            type: 'StoreSaleRecorded',
            occurredAt: '2026-11-11T00:00:00Z',
            storeId: 'S001',
            receiptId: 'R',
            lines: [{ sku: 'DL-1', quantity: 2 }],
          }),
        },
      ],
    });
    await sendJson(producer, topics.onlineOrders, [
      { key: 'O-404', value: { eventId: 'dl-4', type: 'OnlineOrderCancelled', occurredAt: '2026-11-11T00:00:00Z', orderId: 'O-404' } },
    ]);

    const letters = await readTopic(kafka, topics.deadLetters, 4);
    const bySource = (value: string | null) => letters.find((l) => l.value === value);
    const broken = bySource('{"eventId": "broken"')!;
    expect(broken.key).toBe('S001');
    expect(broken.headers).toMatchObject({
      'x-pos-vendor': 'acme',
      [DEAD_LETTER_HEADERS.sourceTopic]: topics.offlineSales,
      [DEAD_LETTER_HEADERS.sourcePartition]: expect.stringMatching(/^\d+$/),
      [DEAD_LETTER_HEADERS.sourceOffset]: '0',
    });
    expect(broken.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^invalid JSON/);
    expectOriginalHeaders(broken);
    expect(letters.find((l) => l.value?.includes('"dl-2"'))!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/occurredAt/);
    expect(letters.find((l) => l.value?.includes('"dl-nul"'))!.headers[DEAD_LETTER_HEADERS.reason]).toBe(
      'schema violation: receiptId: contains the NUL character (U+0000), which cannot be stored',
    );
    expect(letters.find((l) => l.value?.includes('"dl-4"'))!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(
      /^unknown order: O-404 was never placed/,
    );
    // The good sale between the bad ones was applied: nothing blocked the partition.
    await eventually(async () => expect(await onHand('DL-1')).toBe(-2));
    const negative = (await (await fetch(`${service.baseUrl}/v1/stock-alerts/negative`)).json()) as { items: unknown[] };
    expect(negative.items).toContainEqual(expect.objectContaining({ locationId: 'S001', sku: 'DL-1', onHand: -2 }));

    const metrics = await (await fetch(`${service.baseUrl}/metrics`, { headers: service.operatorHeaders })).text();
    const sales = topics.offlineSales;
    expect(metrics).toContain(`inventory_dead_letters_total{topic="${sales}",reason="invalid_json"} 1`);
    expect(metrics).toContain(`inventory_dead_letters_total{topic="${sales}",reason="schema_violation"} 2`);
    expect(metrics).toContain(`inventory_dead_letters_total{topic="${topics.onlineOrders}",reason="unknown_order"} 1`);
    expect(metrics).toContain(`inventory_inbound_events_applied_total{topic="${sales}",type="StoreSaleRecorded"} 1`);
    expect(metrics).toMatch(/inventory_consumer_lag_messages\{topic="[^"]+"\} 0/);
    const sample = (name: string) =>
      Number(
        metrics
          .split('\n')
          .find((line) => line.startsWith(`${name} `))
          ?.split(' ')[1],
      );
    expect(sample(`inventory_inbound_batch_seconds_count{topic="${sales}"}`)).toBeGreaterThanOrEqual(1); // one transaction per batch, timed
    expect(sample(`inventory_inbound_batch_seconds_sum{topic="${sales}"}`)).toBeGreaterThan(0);
    expect(sample('inventory_outbox_backlog_messages')).toBe(0); // the dead letters were read off retail.dlq above: all published
    expect(sample('inventory_projection_backlog_events{projection="stock-levels"}')).toBeGreaterThanOrEqual(0);
    expect(metrics).toContain('inventory_http_request_seconds_count{method="GET",route="/v1/stock/:sku",status="200"}');
  });

  it('replays dead letters to their source topic after a fix; what fails again becomes a new dead letter', async () => {
    const { topics } = service.config.kafka;
    // A letter an older version dead-lettered, which this version can apply.
    await producer.send({
      topic: topics.deadLetters,
      acks: -1,
      messages: [
        {
          key: 'W01',
          value: JSON.stringify({
            eventId: 'dl-5',
            type: 'StockReceived',
            occurredAt: '2026-11-11T00:00:00Z',
            locationId: 'W01',
            lines: [{ sku: 'DL-2', quantity: 7 }],
          }),
          headers: {
            [DEAD_LETTER_HEADERS.sourceTopic]: topics.stockMovements,
            [DEAD_LETTER_HEADERS.sourcePartition]: '0',
            [DEAD_LETTER_HEADERS.sourceOffset]: '99',
            [DEAD_LETTER_HEADERS.reason]: 'unknown location W01 (registered later)',
            [DEAD_LETTER_HEADERS.failedAt]: '2026-11-11T00:00:01Z',
          },
        },
      ],
    });
    const env = {
      KAFKA_BROKERS: service.config.kafka.brokers.join(','),
      ...Object.fromEntries((Object.keys(TOPIC_ENV_VARS) as TopicRole[]).map((role) => [TOPIC_ENV_VARS[role], topics[role]])),
    };
    const dryRun = await runCli(['replay-dead-letters', '--reason-contains', 'unknown location', '--dry-run'], env);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/would replay 1 of 5 dead letters/);
    expect(await onHand('DL-2')).toBe(0);

    const replay = await runCli(['replay-dead-letters'], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/replayed 5 of 5 dead letters/);
    await eventually(async () => expect(await onHand('DL-2')).toBe(7));
    // The four that still cannot be applied (bad JSON, bad timestamp, a NUL character, a cancel of an unknown order) are dead letters again, marked as replays.
    const letters = await readTopic(kafka, topics.deadLetters, 5 + 4);
    const replayed = letters.filter((l) => l.headers['dlq-replayed-from']?.startsWith(`${topics.deadLetters}/`));
    const originals = letters.filter((l) => !('dlq-replayed-from' in l.headers) && !l.value?.includes('"dl-5"'));
    expect(replayed.map((l) => l.value).sort()).toEqual(originals.map((l) => l.value).sort());
    expect(replayed).toHaveLength(4);
    expectOriginalHeaders(replayed.find((l) => l.value === '{"eventId": "broken"')!);
    // On the source topic, the replay carries the original headers and where it came from, none of the DLQ's or the relay's.
    const resent = (await readTopic(kafka, topics.offlineSales, 4 + 3)).find(
      (m) => 'dlq-replayed-from' in m.headers && m.value === '{"eventId": "broken"',
    )!;
    expectOriginalHeaders(resent);
    expect(Object.keys(resent.headers).sort()).toEqual(['dlq-replayed-from', 'x-hop', 'x-pos-vendor', 'x-signature']);
  });

  it('keeps headers of any name on a dead letter, and they never block the partition', async () => {
    const { topics } = service.config.kafka;
    // Names jsonb cannot take as object keys or hold as text, names kafkajs mixes up with Object's members, repeats.
    const names = [
      'x-nul\u0000name',
      'x-emoji-\u{1F9FE}-\u{1D11E}',
      `x-long-${'n'.repeat(20_000)}`,
      'constructor',
      '__proto__',
      'x-lone-\ud800',
      'x-repeated',
    ];
    const sent = new Map(names.map((name, i) => [name, [Buffer.from([0x00, 0xff, i]), Buffer.from(`second-${i}`)]]));
    sent.get('x-repeated')!.push(Buffer.from('third'));
    const headers = {} as IHeaders;
    for (const [name, values] of sent) Object.defineProperty(headers, name, { value: values, enumerable: true });
    await producer.send({
      topic: topics.offlineSales,
      acks: -1,
      messages: [
        { key: 'S001', value: '{"eventId": "odd-headers"', headers },
        {
          key: 'S001',
          value: JSON.stringify({
            eventId: 'dl-h-1',
            type: 'StoreSaleRecorded',
            occurredAt: new Date().toISOString(),
            storeId: 'S001',
            receiptId: 'R-h',
            lines: [{ sku: 'DL-H', quantity: 3 }],
          }),
        },
      ],
    });
    // The good sale behind it was applied: nothing blocked the partition.
    await eventually(async () => expect(await onHand('DL-H')).toBe(-3));
    const letter = (await readTopic(kafka, topics.deadLetters, 10)).find((l) => l.value === '{"eventId": "odd-headers"')!;
    expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^invalid JSON/);
    expect(Object.keys(letter.rawHeaders).filter((name) => !name.startsWith('dlq-') && !name.startsWith('outbox-'))).toHaveLength(
      names.length,
    );
    for (const name of names) {
      // As the service received them: kafkajs reads a name as UTF-8, so the lone surrogate (sent as U+FFFD) comes back as U+FFFD.
      const received = name.replace('\ud800', '\ufffd');
      const raw = letter.rawHeaders[received] as unknown;
      // The reader's kafkajs puts an inherited member in front of `constructor` and `__proto__`: compare the bytes only.
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is Buffer => Buffer.isBuffer(v));
      expect(values, name.slice(0, 20)).toEqual(sent.get(name));
    }
  });

  it('refuses a replay flag without its value, saying which', async () => {
    const result = await runCli(['replay-dead-letters', '--source-topic'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--source-topic" without a value/);
  });
});
