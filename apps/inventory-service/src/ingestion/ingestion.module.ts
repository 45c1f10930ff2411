import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { FulfillmentModule } from '../fulfillment';
import { StockModule } from '../stock';
import { StockViewsModule } from '../stock-views';
import { ConsumerLagService } from './consumer-lag.service';
import { InboundEventsConsumer } from './inbound-events.consumer';
import { RecordInboundBatchHandler } from './record-inbound-batch.handler';
import { StoredOffsetsHealthIndicator, StoredOffsetsMonitor } from './stored-offsets.monitor';

/**
 * Kafka in: the consumer, the batch that applies a partition's messages exactly once (routed by
 * contract type to stock and fulfillment use cases), the stored offsets' watch and the consumer lag.
 * After each batch it wakes the stock views' processor.
 */
@Module({
  imports: [TerminusModule, StockModule, FulfillmentModule, StockViewsModule],
  providers: [RecordInboundBatchHandler, InboundEventsConsumer, ConsumerLagService, StoredOffsetsMonitor, StoredOffsetsHealthIndicator],
  exports: [ConsumerLagService, StoredOffsetsHealthIndicator],
})
export class IngestionModule {}
