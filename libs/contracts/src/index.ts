export * from './topics';
export * from './inbound-events';
export * from './outbound-messages';
export * from './parse-inbound';
export * from './http-bodies';
export * from './inbound-sender';
export * from './http-responses';
export * from './http-operations-responses';
