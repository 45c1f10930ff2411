import { SqlReader, projectionBacklog } from '@app/event-store';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { OutboxRelay } from '../../outbox';
import { ConsumerLagService } from '../../ingestion';
import { STOCK_LEVELS_PROJECTION } from '../../stock-views';
import { ServiceMetrics } from '../../platform/metrics';
import { Access } from '../../platform/access';

/** `GET /metrics` in Prometheus text format; lag and backlogs are measured at scrape time. */
@Controller('metrics')
export class MetricsController {
  private readonly consumerLag: Gauge<'topic'>;
  private readonly outboxBacklog: Gauge;
  private readonly projectionBacklog: Gauge<'projection'>;

  constructor(
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(ConsumerLagService) private readonly lag: ConsumerLagService,
    @Inject(OutboxRelay) private readonly outbox: OutboxRelay,
    @Inject(SqlReader) private readonly reads: SqlReader,
  ) {
    const registers = [metrics.registry];
    this.consumerLag = new Gauge({
      name: 'inventory_consumer_lag_messages',
      help: 'Inbound messages on Kafka not yet applied, by topic',
      labelNames: ['topic'],
      registers,
    });
    this.outboxBacklog = new Gauge({
      name: 'inventory_outbox_backlog_messages',
      help: 'Outbox messages not yet published to Kafka',
      registers,
    });
    this.projectionBacklog = new Gauge({
      name: 'inventory_projection_backlog_events',
      help: 'Events not yet applied to a read model',
      labelNames: ['projection'],
      registers,
    });
  }

  @Get()
  @Access.operator('operations:read')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    const [lag, backlog, behind] = await Promise.allSettled([
      this.lag.measure(),
      this.outbox.backlog(),
      projectionBacklog(this.reads, STOCK_LEVELS_PROJECTION),
    ]);
    if (lag.status === 'fulfilled')
      for (const [topic, messages] of Object.entries(lag.value.byTopic)) this.consumerLag.set({ topic }, messages);
    if (backlog.status === 'fulfilled') this.outboxBacklog.set(backlog.value);
    if (behind.status === 'fulfilled') this.projectionBacklog.set({ projection: STOCK_LEVELS_PROJECTION }, behind.value);
    return this.metrics.registry.metrics();
  }
}
