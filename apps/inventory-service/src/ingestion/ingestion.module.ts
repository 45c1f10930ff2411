import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { FulfillmentModule } from '../fulfillment';
import { StockModule } from '../stock';
import { ConsumerLagService } from './consumer-lag.service';
import { InboundEventsConsumer } from './inbound-events.consumer';
import { RecordInboundBatchHandler } from './record-inbound-batch.handler';
import { StoredOffsetsHealthIndicator, StoredOffsetsMonitor } from './stored-offsets.monitor';

/**
 * Kafka in: the consumer, the batch that applies a partition's messages exactly once (routed by
 * contract type to stock and fulfillment use cases), the stored offsets' watch and the consumer lag.
 * It uses the app's KafkaConnection, ServiceMetrics and StockViewsProcessor.
 */
@Module({
  imports: [TerminusModule, StockModule, FulfillmentModule],
  providers: [RecordInboundBatchHandler, InboundEventsConsumer, ConsumerLagService, StoredOffsetsMonitor, StoredOffsetsHealthIndicator],
  exports: [ConsumerLagService, StoredOffsetsHealthIndicator],
})
export class IngestionModule {}
