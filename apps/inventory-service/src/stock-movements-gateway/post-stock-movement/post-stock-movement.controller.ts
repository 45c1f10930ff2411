import { stockMovementEventSchema, type AcceptedEvent } from '@app/contracts';
import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { Access } from '../../platform/access';
import { ServiceConfig } from '../../platform/config';
import { parseInboundEventRequest } from '../../platform/http';
import { KafkaConnection } from '../../platform/kafka';

/**
 * `POST /v1/stock/movements` for operators and warehouse systems that cannot produce to Kafka
 * (contract v1.1): a receipt, adjustment or count as the JSON of `retail.stock.movements`, with an
 * operator key that may write movements, validated field by field (its `occurredAt` within the
 * accepted window, as ingestion would check it), and written to that topic, keyed by location, with
 * acks from every in-sync replica before it answers 202. Retrying with the same eventId is safe:
 * ingestion applies an eventId once. A movement at a location nobody registered is accepted here
 * and dead-lettered by ingestion, naming the location, exactly as it would be from Kafka.
 */
@Controller('v1/stock')
export class PostStockMovementController {
  constructor(
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  @Post('movements')
  @Access.operator('movements:write')
  @HttpCode(HttpStatus.ACCEPTED)
  async post(@Body() body: unknown): Promise<AcceptedEvent> {
    const movement = parseInboundEventRequest(
      stockMovementEventSchema,
      body,
      'MOVEMENT.INVALID_EVENT',
      'stock movement',
      this.config.inbound.maxClockSkewMs,
    );
    const producer = await this.kafka.producer();
    const topic = this.config.kafka.topics.stockMovements;
    await producer.send({ topic, acks: -1, messages: [{ key: movement.locationId, value: JSON.stringify(body) }] });
    return { eventId: movement.eventId, topic };
  }
}
