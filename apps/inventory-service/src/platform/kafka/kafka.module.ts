import { Global, Module } from '@nestjs/common';
import { KafkaConnection } from './kafka-connection';

/** The service's one Kafka client, its producer and admin. */
@Global()
@Module({ providers: [KafkaConnection], exports: [KafkaConnection] })
export class KafkaModule {}
