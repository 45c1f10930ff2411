import { Global, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.service';

/** The outbox relay: publishes what committed transactions enqueued, once, in order per key. */
@Global()
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
