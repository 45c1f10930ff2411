import { Agent, get, type IncomingMessage } from 'node:http';
import type { Producer } from 'kafkajs';
import { percentile } from './report';

export interface StreamSettings {
  streams: number;
  changesPerSecond: number;
  seconds: number;
  /** A location in the registry, where the changes are received. */
  locationId: string;
  topic: string;
}

const skuOf = (i: number) => `SKU-${String(i + 1).padStart(6, '0')}`;

/** One open GET /v1/stock/stream?skus=SKU, calling back with the SKU of every `stock` event. */
function openStream(baseUrl: string, sku: string, agent: Agent, onStock: (sku: string) => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = get(`${baseUrl}/v1/stock/stream?skus=${sku}`, { agent }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream of ${sku} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data:'));
          if (data) onStock((JSON.parse(data.slice(5)) as { sku: string }).sku);
        }
      });
      resolve(response);
    });
    request.on('error', reject);
  });
}

/**
 * Live streams: `streams` open SSE streams, one SKU each; a producer receives one unit of a random
 * streamed SKU `changesPerSecond` times a second on the stock-movements topic (a SKU is changed
 * again only once its last change was delivered). Change → delivered: from just before the Kafka send
 * to the stream's `stock` event for that SKU, so it covers ingestion, the projection, the change
 * feed (its poll when the projection ran elsewhere, a poke here) and the read.
 */
export async function measureStreams(baseUrl: string, producer: Producer, settings: StreamSettings) {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const pending = new Map<string, number>();
  const latenciesMs: number[] = [];
  let unmatched = 0; // the initial event of each stream, and any not caused by a pending change
  const onStock = (sku: string) => {
    const sentAt = pending.get(sku);
    if (sentAt === undefined) {
      unmatched += 1;
      return;
    }
    pending.delete(sku);
    latenciesMs.push(Date.now() - sentAt);
  };
  const responses: IncomingMessage[] = [];
  let eventId = 0;
  const change = async (sku: string) => {
    pending.set(sku, Date.now());
    eventId += 1;
    await producer.send({
      topic: settings.topic,
      acks: -1,
      messages: [
        {
          key: settings.locationId,
          value: JSON.stringify({
            eventId: `bench-stream-${process.pid}-${eventId}`,
            type: 'StockReceived',
            occurredAt: new Date().toISOString(),
            locationId: settings.locationId,
            lines: [{ sku, quantity: 1 }],
          }),
        },
      ],
    });
  };
  const waitFor = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return done();
  };
  try {
    for (let i = 0; i < settings.streams; i += 50) {
      const opened = Array.from({ length: Math.min(50, settings.streams - i) }, (_, k) =>
        openStream(baseUrl, skuOf(i + k), agent, onStock),
      );
      responses.push(...(await Promise.all(opened)));
    }
    if (!(await waitFor(() => unmatched >= settings.streams, 60_000)))
      throw new Error(`only ${unmatched} of ${settings.streams} initial events`);
    // Warm up ingestion (its consumer's first fetch), the projection and the feed: not measured.
    await change(skuOf(0));
    if (!(await waitFor(() => pending.size === 0, 60_000))) throw new Error('the warm-up change was never delivered');
    latenciesMs.length = 0;

    const started = Date.now();
    const total = settings.changesPerSecond * settings.seconds;
    const sends: Array<Promise<void>> = [];
    for (let sent = 0; sent < total; sent += 1) {
      const due = started + (sent * 1000) / settings.changesPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      let sku = skuOf(Math.floor(Math.random() * settings.streams));
      for (let tries = 0; pending.has(sku) && tries < 10; tries += 1) sku = skuOf(Math.floor(Math.random() * settings.streams));
      if (pending.has(sku)) continue;
      sends.push(change(sku));
    }
    await Promise.all(sends);
    await waitFor(() => pending.size === 0, 10_000);
    return {
      streams: settings.streams,
      changesPerSecond: settings.changesPerSecond,
      seconds: settings.seconds,
      delivered: latenciesMs.length,
      undeliveredAfter10s: pending.size,
      eventsWithoutPendingChange: unmatched - settings.streams,
      p50Ms: percentile(latenciesMs, 50),
      p99Ms: percentile(latenciesMs, 99),
      maxMs: percentile(latenciesMs, 100),
    };
  } finally {
    for (const response of responses) response.destroy();
    agent.destroy();
  }
}
