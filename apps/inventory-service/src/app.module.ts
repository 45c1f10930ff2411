import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { GetOrderFulfillmentController } from './fulfillment/get-order-fulfillment/get-order-fulfillment.controller';
import { GetOrderFulfillmentHandler } from './fulfillment/get-order-fulfillment/get-order-fulfillment.handler';
import { PickupHoldSweeper } from './fulfillment/expire-pickup-holds/pickup-hold-sweeper.service';
import { ConsumerLagService } from './ingestion/consumer-lag.service';
import { InboundEventsConsumer } from './ingestion/inbound-events.consumer';
import { RecordInboundBatchHandler } from './ingestion/record-inbound-batch.handler';
import { StoredOffsetsHealthIndicator, StoredOffsetsMonitor } from './ingestion/stored-offsets.monitor';
import { LocationsModule, LocationsProjection } from './locations';
import { OperationsModule } from './operations';
import { OutboxModule } from './outbox';
import { AccessGuard, WriteRateLimitGuard } from './platform/access';
import { ServiceConfig } from './platform/config';
import { DatabaseModule } from './platform/database';
import { ApiErrorFilter } from './platform/http';
import { KafkaModule } from './platform/kafka';
import { MetricsModule } from './platform/metrics';
import { PosGatewayModule } from './pos-gateway';
import { SkuPoliciesModule, SkuPoliciesProjection } from './sku-policies';
import { StockMovementsGatewayModule } from './stock-movements-gateway';
import { StockViewsModule } from './stock-views';

/** The inventory service, wired for one configuration: the platform, then one module per area. */
@Module({})
export class AppModule {
  static forConfig(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        DiscoveryModule,
        TerminusModule,
        DatabaseModule.withInlineProjections([new LocationsProjection(), new SkuPoliciesProjection()]),
        KafkaModule,
        MetricsModule,
        OutboxModule,
        StockViewsModule,
        LocationsModule,
        SkuPoliciesModule,
        PosGatewayModule,
        StockMovementsGatewayModule,
        OperationsModule,
      ],
      controllers: [GetOrderFulfillmentController],
      providers: [
        { provide: ServiceConfig, useValue: config },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        // After the access guard: it names the caller whose writes are counted.
        { provide: APP_GUARD, useClass: WriteRateLimitGuard },
        RecordInboundBatchHandler,
        InboundEventsConsumer,
        ConsumerLagService,
        StoredOffsetsMonitor,
        StoredOffsetsHealthIndicator,
        GetOrderFulfillmentHandler,
        PickupHoldSweeper,
      ],
      // Until ingestion is a module of its own: what operations reads of it.
      exports: [ServiceConfig, ConsumerLagService, StoredOffsetsHealthIndicator],
    };
  }
}
