import { Module } from '@nestjs/common';
import { PostPosEventController } from './post-pos-event/post-pos-event.controller';

/** The POS gateway: store sales and returns over HTTP, written to Kafka. */
@Module({ controllers: [PostPosEventController] })
export class PosGatewayModule {}
