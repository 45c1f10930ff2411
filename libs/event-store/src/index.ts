export * from './sql-client';
export * from './errors';
export * from './events';
export * from './event-store';
export * from './checkpointed-processor';
export * from './typeorm-transactions';
export { CreateEventStore1763800000000 } from './migrations/1763800000000-create-event-store';
export * from './decider';
export * from './stream-unit-of-work';
