import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { WriteRateLimitGuard } from './platform/access/write-rate-limit.guard';
import { AccessGuard } from './platform/access/access.guard';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { ServiceConfig } from './platform/config/service-config';
import { DatabaseModule } from './platform/database/database.module';
import { DashboardPageController } from './operations/dashboard/dashboard-page.controller';
import { DashboardSummaryController } from './operations/dashboard/dashboard-summary.controller';
import { EventRateSampler } from './operations/dashboard/event-rate.sampler';
import { HealthCheckLogger } from './operations/health/health-check.logger';
import { HealthController } from './operations/health/health.controller';
import {
  BacklogHealthIndicator,
  KafkaHealthIndicator,
  PostgresHealthIndicator,
  ProjectionsHealthIndicator,
} from './operations/health/health-indicators';
import { ApiErrorFilter } from './platform/http/api-error.filter';
import { KafkaConnection } from './platform/kafka/kafka-connection';
import { DescribeLocationController } from './locations/describe-location/describe-location.controller';
import { DescribeLocationHandler } from './locations/describe-location/describe-location.handler';
import { GetLocationsController } from './locations/get-locations/get-locations.controller';
import { MetricsController } from './operations/metrics/metrics.controller';
import { ServiceMetrics } from './platform/metrics/service-metrics';
import { SetSkuPolicyController } from './sku-policies/set-sku-policy/set-sku-policy.controller';
import { SetSkuPolicyHandler } from './sku-policies/set-sku-policy/set-sku-policy.handler';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { PostPosEventController } from './pos-gateway/post-pos-event/post-pos-event.controller';
import { IngestionModule } from './ingestion';
import { FulfillmentModule } from './fulfillment';
import { StockModule } from './stock';
import { PostStockMovementController } from './stock-movements-gateway/post-stock-movement/post-stock-movement.controller';
import { GetStockController } from './stock-views/get-stock/get-stock.controller';
import { LocationStockController } from './stock-views/location-stock/location-stock.controller';
import { StockChangeFeed } from './stock-views/stock-stream/stock-change-feed.service';
import { StockStreamController } from './stock-views/stock-stream/stock-stream.controller';
import { StockReadCache } from './stock-views/get-stock/stock-read-cache.service';
import { PickupNearController } from './stock-views/pickup-near/pickup-near.controller';
import { GetStockOfSkusHandler } from './stock-views/get-stock/get-stock.handler';
import { StockViewsProcessor } from './stock-views/stock-views-processor.service';

/** The inventory service, wired for one configuration. */
@Module({})
export class AppModule {
  static forConfig(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        DiscoveryModule,
        DatabaseModule,
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: HealthCheckLogger }),
        StockModule,
        FulfillmentModule,
        IngestionModule,
      ],
      controllers: [
        SetSkuPolicyController,
        StockStreamController,
        PickupNearController,
        LocationStockController,
        GetStockController,
        DescribeLocationController,
        GetLocationsController,
        PostPosEventController,
        PostStockMovementController,
        HealthController,
        MetricsController,
        DashboardPageController,
        DashboardSummaryController,
      ],
      providers: [
        { provide: ServiceConfig, useValue: config },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        // After the access guard: it names the caller whose writes are counted.
        { provide: APP_GUARD, useClass: WriteRateLimitGuard },
        KafkaConnection,
        ServiceMetrics,
        OutboxRelay,
        StockViewsProcessor,
        GetStockOfSkusHandler,
        StockChangeFeed,
        StockReadCache,
        DescribeLocationHandler,
        SetSkuPolicyHandler,
        EventRateSampler,
        PostgresHealthIndicator,
        KafkaHealthIndicator,
        BacklogHealthIndicator,
        ProjectionsHealthIndicator,
      ],
      // What the feature modules use of the app's own providers (ingestion: Kafka, metrics, the stock views processor).
      exports: [ServiceConfig, KafkaConnection, ServiceMetrics, StockViewsProcessor],
    };
  }
}
