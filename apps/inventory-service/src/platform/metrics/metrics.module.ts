import { Global, Module } from '@nestjs/common';
import { ServiceMetrics } from './service-metrics';

/** The service's Prometheus registry and its counters. */
@Global()
@Module({ providers: [ServiceMetrics], exports: [ServiceMetrics] })
export class MetricsModule {}
