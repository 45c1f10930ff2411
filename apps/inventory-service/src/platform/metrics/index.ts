// The public face of platform/metrics: what other areas may import. Inside platform/metrics, files import each other directly.
export { ServiceMetrics } from './service-metrics';
export { MetricsModule } from './metrics.module';
export { reasonKind } from './service-metrics';
