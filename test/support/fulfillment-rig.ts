import type { Producer } from 'kafkajs';
import type { LocationProfile } from '@app/stock-domain';
import { TestLogisticsWorker } from './logistics-worker';
import { OmnichannelClient } from './omnichannel-client';
import { connectedProducer, testKafka } from './test-kafka';
import { startTestService, type RunningTestService } from './test-service';

/**
 * A small Hangzhou network: a warehouse and a store that ship online, and a pickup-only store, each
 * able to send 1,000 parcels a day and holding no safety stock. Tests register the part they need.
 */
export const HANGZHOU_NETWORK = {
  W01: {
    type: 'warehouse',
    name: 'Xiaoshan DC',
    lat: 30.3,
    lng: 120.1,
    shipsOnline: true,
    pickup: false,
    dailyCapacity: 1000,
    safetyStock: 0,
  },
  S001: { type: 'store', name: 'West Lake', lat: 30.27, lng: 120.16, shipsOnline: true, pickup: true, dailyCapacity: 1000, safetyStock: 0 },
  S002: { type: 'store', name: 'Binjiang', lat: 30.2, lng: 120.2, shipsOnline: false, pickup: true, dailyCapacity: 1000, safetyStock: 0 },
} satisfies Record<string, LocationProfile>;

/** What an end-to-end test of fulfillment drives: the service, a shop on its topics and HTTP, and a logistics worker answering its commands. */
export interface FulfillmentRig {
  service: RunningTestService;
  shop: OmnichannelClient;
  producer: Producer;
  worker: TestLogisticsWorker;
  stop(): Promise<void>;
}

/**
 * The real service on its own schema and topics, the given location profiles registered through
 * `PUT /v1/locations/{id}` (each must answer 201), and a started logistics worker on its command topics.
 */
export async function startFulfillmentRig(
  locations: Record<string, unknown>,
  serviceEnv: Record<string, string> = {},
): Promise<FulfillmentRig> {
  const service = await startTestService(serviceEnv);
  const kafka = testKafka();
  const producer = await connectedProducer(kafka);
  const shop = new OmnichannelClient(service, producer);
  for (const [locationId, profile] of Object.entries(locations)) {
    const { status, body } = await shop.put(`/v1/locations/${encodeURIComponent(locationId)}`, profile);
    if (status !== 201) throw new Error(`PUT /v1/locations/${locationId} answered ${status}: ${JSON.stringify(body)}`);
  }
  const worker = new TestLogisticsWorker(kafka, service.config.kafka.topics);
  await worker.start();
  return {
    service,
    shop,
    producer,
    worker,
    async stop() {
      await worker.stop();
      await producer.disconnect();
      await service.stop();
    },
  };
}
