import type { TopicNames } from '@app/contracts';
import type { ServiceConfig } from '../platform/config';

/** What the fulfillment use cases read of the configuration. */
export interface FulfillmentSettings {
  topics: TopicNames;
  snapshotEveryEvents: number;
  leadTimeDays: number;
  coverDays: number;
  pickupHoldMs: number;
  /** A transfer not shipped this long after its request is called off. */
  transferShipMs: number;
}

export function fulfillmentSettingsOf(config: ServiceConfig): FulfillmentSettings {
  return {
    topics: config.kafka.topics,
    snapshotEveryEvents: config.eventStore.snapshotEveryEvents,
    leadTimeDays: config.fulfillment.leadTimeDays,
    coverDays: config.fulfillment.coverDays,
    pickupHoldMs: config.fulfillment.pickupHoldMs,
    transferShipMs: config.fulfillment.transferShipMs,
  };
}
