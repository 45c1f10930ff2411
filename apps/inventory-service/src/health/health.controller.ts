import { SqlReader, projectionBacklog } from '@app/event-store';
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ConsumerLagService } from '../stock-movements/record-inbound-events/consumer-lag.service';
import { COUNT_UNPUBLISHED } from '../outbox/outbox.sql';
import { STOCK_LEVELS_PROJECTION } from '../stock-views/stock-levels.projection';

/**
 * Liveness (the process answers) and readiness (PostgreSQL and Kafka answer), with how far the
 * service is behind: inbound messages not yet applied, events not yet in the stock views, and
 * outbox messages (commands, dead letters) not yet published.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(ConsumerLagService) private readonly consumerLag: ConsumerLagService,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    const checks: Record<string, string> = {};
    const lag: Record<string, unknown> = {};
    try {
      lag.stockViewEvents = await projectionBacklog(this.reads, STOCK_LEVELS_PROJECTION);
      const [outbox] = await this.reads.query<{ backlog: number }>(COUNT_UNPUBLISHED);
      lag.outboxMessages = outbox?.backlog ?? 0;
      checks.postgres = 'up';
    } catch (error) {
      checks.postgres = `down: ${(error as Error).message}`;
    }
    try {
      const consumer = await this.consumerLag.measure();
      lag.inboundMessages = consumer.total;
      lag.inboundByTopic = consumer.byTopic;
      checks.kafka = 'up';
    } catch (error) {
      checks.kafka = `down: ${(error as Error).message}`;
    }
    const up = Object.values(checks).every((state) => state === 'up');
    response.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: up ? 'ok' : 'unavailable', checks, lag });
  }
}
