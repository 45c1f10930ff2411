// What other folders use of fulfillment/: its module, the unit of work, the use cases inbound events start, the order and transfer upcasters.
export { FulfillmentModule } from './fulfillment.module';
export { FulfillmentUnitOfWork } from './fulfillment-unit-of-work';
export { WorkNeeds } from './work-needs';
export { fulfillmentSettingsOf } from './fulfillment-settings';
export type { Applying, InboundUseCase } from './inbound-use-case';
export { placeOnlineOrder } from './place-online-order/place-online-order';
export { cancelOnlineOrder } from './cancel-online-order/cancel-online-order';
export { applyFulfillmentFeedback } from './apply-logistics-feedback/apply-fulfillment-feedback';
export { applyTransferFeedback } from './apply-logistics-feedback/apply-transfer-feedback';
export { replenishStores } from './replenish-stores/replenish-stores';
export { onlineOrderKind, transferKind } from './fulfillment-persistence';
