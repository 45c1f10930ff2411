import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DashboardPageController } from './dashboard/dashboard-page.controller';
import { DashboardSummaryController } from './dashboard/dashboard-summary.controller';
import { EventRateSampler } from './dashboard/event-rate.sampler';
import { HealthCheckLogger } from './health/health-check.logger';
import {
  BacklogHealthIndicator,
  KafkaHealthIndicator,
  PostgresHealthIndicator,
  ProjectionsHealthIndicator,
} from './health/health-indicators';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { IngestionModule } from '../ingestion';
import { StockViewsModule } from '../stock-views';

/** Operations: health, Prometheus metrics and the dashboard. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: HealthCheckLogger }), StockViewsModule, IngestionModule],
  controllers: [HealthController, MetricsController, DashboardPageController, DashboardSummaryController],
  providers: [EventRateSampler, PostgresHealthIndicator, KafkaHealthIndicator, BacklogHealthIndicator, ProjectionsHealthIndicator],
})
export class OperationsModule {}
