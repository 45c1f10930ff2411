// The public face of outbox: what other areas may import. Inside outbox, files import each other directly.
export { OutboxRelay } from './outbox-relay.service';
export { COUNT_UNPUBLISHED } from './outbox.sql';
export { OutboxModule } from './outbox.module';
export { type OutboxMessage, enqueueOutboxMessages, OUTBOX_HEADERS, readOutboxOrigin, unpublishedOfTopicWaiting } from './outbox';
