import { offlineSalesEventSchema, type AcceptedEvent } from '@app/contracts';
import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { Access, PosKeyStore } from '../../platform/access';
import { ServiceConfig } from '../../platform/config';
import { ApiError } from '../../platform/http';
import { parseInboundEventRequest } from '../../platform/http';
import { KafkaConnection } from '../../platform/kafka';

/**
 * `POST /v1/pos/events` for POS systems that cannot speak Kafka: the same JSON as the offline-sales
 * topic, authenticated per store (the AccessGuard checks the store's key, this checks the event is
 * that store's), written to that topic (acks from all in-sync replicas) before it answers 202. Retrying with the same eventId is safe: the service applies an eventId once.
 */
@Controller('v1/pos')
export class PostPosEventController {
  constructor(
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  @Post('events')
  @Access.posStore()
  @HttpCode(HttpStatus.ACCEPTED)
  async post(@PosKeyStore() keyStore: string, @Body() body: unknown): Promise<AcceptedEvent> {
    const event = parseInboundEventRequest(
      offlineSalesEventSchema,
      body,
      'POS.INVALID_EVENT',
      'POS event',
      this.config.inbound.maxClockSkewMs,
    );
    if (event.storeId !== keyStore) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'POS.WRONG_STORE', `this key posts for store ${keyStore} only`, [
        { field: 'storeId', problem: `${event.storeId} is not the key's store` },
      ]);
    }
    const producer = await this.kafka.producer();
    const topic = this.config.kafka.topics.offlineSales;
    await producer.send({ topic, acks: -1, messages: [{ key: event.storeId, value: JSON.stringify(body) }] });
    return { eventId: event.eventId, topic };
  }
}
