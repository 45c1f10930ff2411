/** Default topic names of the wire contract (shared/CONTRACT.md). Each is configurable. */
export const DEFAULT_TOPICS = {
  offlineSales: 'retail.sales.offline',
  onlineOrders: 'retail.orders.online',
  stockMovements: 'retail.stock.movements',
  logisticsEvents: 'retail.logistics.events',
  logisticsCommands: 'retail.logistics.commands',
  orderStatus: 'retail.orders.status',
  deadLetters: 'retail.dlq',
  stockChanges: 'retail.stock.changes',
} as const;

export type TopicRole = keyof typeof DEFAULT_TOPICS;
export type TopicNames = Record<TopicRole, string>;

/** The environment variable that overrides each topic's name. */
export const TOPIC_ENV_VARS: Record<TopicRole, string> = {
  offlineSales: 'TOPIC_OFFLINE_SALES',
  onlineOrders: 'TOPIC_ONLINE_ORDERS',
  stockMovements: 'TOPIC_STOCK_MOVEMENTS',
  logisticsEvents: 'TOPIC_LOGISTICS_EVENTS',
  logisticsCommands: 'TOPIC_LOGISTICS_COMMANDS',
  orderStatus: 'TOPIC_ORDER_STATUS',
  deadLetters: 'TOPIC_DLQ',
  stockChanges: 'TOPIC_STOCK_CHANGES',
};

/** Topics the service creates compacted (cleanup.policy=compact): the last value per key is what counts. */
export const COMPACTED_TOPIC_ROLES: readonly TopicRole[] = ['stockChanges'];

/** The topics the service consumes. */
export const INBOUND_TOPIC_ROLES = ['offlineSales', 'onlineOrders', 'stockMovements', 'logisticsEvents'] as const;
export type InboundTopicRole = (typeof INBOUND_TOPIC_ROLES)[number];

/** Headers on every dead letter (retail.dlq). */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  reason: 'dlq-reason',
  failedAt: 'dlq-failed-at',
} as const;

/** Topic names from TOPIC_* environment variables, each defaulting to the contract's name. */
export function topicNamesFromEnv(env: Record<string, string | undefined>): TopicNames {
  const names = {} as TopicNames;
  for (const role of Object.keys(DEFAULT_TOPICS) as TopicRole[]) names[role] = env[TOPIC_ENV_VARS[role]] ?? DEFAULT_TOPICS[role];
  return names;
}
