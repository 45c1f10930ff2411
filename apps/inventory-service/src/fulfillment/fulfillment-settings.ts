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
  /** A cancelled fulfillment's units are released this long after the cancel if its location never answered. */
  cancelConfirmMs: number;
}

export function fulfillmentSettingsOf(config: ServiceConfig): FulfillmentSettings {
  return {
    topics: config.kafka.topics,
    snapshotEveryEvents: config.eventStore.snapshotEveryEvents,
    leadTimeDays: config.fulfillment.leadTimeDays,
    coverDays: config.fulfillment.coverDays,
    pickupHoldMs: config.fulfillment.pickupHoldMs,
    transferShipMs: config.fulfillment.transferShipMs,
    cancelConfirmMs: config.fulfillment.cancelConfirmMs,
  };
}
