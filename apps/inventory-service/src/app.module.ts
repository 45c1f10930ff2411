import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { FulfillmentModule } from './fulfillment';
import { IngestionModule } from './ingestion';
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
import { StockModule } from './stock';
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
        DatabaseModule.withInlineProjections([new LocationsProjection(), new SkuPoliciesProjection()]),
        KafkaModule,
        MetricsModule,
        OutboxModule,
        StockModule,
        FulfillmentModule,
        IngestionModule,
        StockViewsModule,
        LocationsModule,
        SkuPoliciesModule,
        PosGatewayModule,
        StockMovementsGatewayModule,
        OperationsModule,
      ],
      providers: [
        { provide: ServiceConfig, useValue: config },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        // After the access guard: it names the caller whose writes are counted.
        { provide: APP_GUARD, useClass: WriteRateLimitGuard },
      ],
      exports: [ServiceConfig],
    };
  }
}
