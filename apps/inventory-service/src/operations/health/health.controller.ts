import type { HealthAnswer, ReadinessAnswer, ReadinessLag } from '@app/contracts';
import { Controller, Get, HttpStatus, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { StoredOffsetsHealthIndicator } from '../../ingestion';
import { BacklogHealthIndicator, KafkaHealthIndicator, PostgresHealthIndicator, ProjectionsHealthIndicator } from './health-indicators';
import { Access } from '../../platform/access';

/**
 * Liveness (the process answers) and readiness (PostgreSQL and Kafka answer and no projection is
 * stalled: 200, else 503 naming what is down: a stalled projection with its position and error), with
 * @nestjs/terminus. Readiness also reports how far the service is behind (the `lag` object and the
 * consumerLag, stockViewBacklog, stockChangesBacklog and outboxBacklog indicators); lag never makes it unready. While the
 * service shuts down, both answer 503.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(PostgresHealthIndicator) private readonly postgres: PostgresHealthIndicator,
    @Inject(KafkaHealthIndicator) private readonly kafka: KafkaHealthIndicator,
    @Inject(BacklogHealthIndicator) private readonly backlogs: BacklogHealthIndicator,
    @Inject(ProjectionsHealthIndicator) private readonly projections: ProjectionsHealthIndicator,
    @Inject(StoredOffsetsHealthIndicator) private readonly storedOffsets: StoredOffsetsHealthIndicator,
  ) {}

  @Get('live')
  @Access.open()
  async live(@Res() response: Response): Promise<void> {
    const answer = answerOf(await settled(this.health.check([])));
    send(response, answer);
  }

  @Get('ready')
  @Access.open()
  async ready(@Res() response: Response): Promise<void> {
    const result = await settled(
      this.health.check([
        () => this.postgres.isHealthy('postgres'),
        () => this.kafka.isHealthy('kafka'),
        () => this.projections.isHealthy('projections'),
        () => this.kafka.consumerLag('consumerLag'),
        () => this.backlogs.stockView('stockViewBacklog'),
        () => this.backlogs.stockChanges('stockChangesBacklog'),
        () => this.backlogs.outbox('outboxBacklog'),
        // Down while a partition's stored offset is past its log's end (the topic recreated?).
        () => this.storedOffsets.isHealthy('storedOffsets'),
      ]),
    );
    send(response, { ...answerOf(result), lag: lagOf(result.details) });
  }
}

/** Terminus throws a 503 carrying the result when a check is down (or the service is shutting down). */
async function settled(check: Promise<HealthCheckResult>): Promise<HealthCheckResult> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
    throw error;
  }
}

function answerOf(result: HealthCheckResult): HealthAnswer {
  const answer: HealthAnswer = {
    status: result.status === 'ok' ? 'ok' : 'unavailable',
    // Terminus types these Partial; every entry it puts in them is an indicator's result.
    info: (result.info ?? {}) as HealthAnswer['info'],
    error: (result.error ?? {}) as HealthAnswer['error'],
    details: result.details,
  };
  if (result.status === 'shutting_down') answer.shuttingDown = true;
  return answer;
}

function send(response: Response, answer: HealthAnswer | ReadinessAnswer): void {
  response
    .status(answer.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
    .setHeader('Cache-Control', 'no-store')
    .json(answer);
}

export function lagOf(details: HealthIndicatorResult): ReadinessLag {
  const lag: ReadinessLag = {};
  const consumer = details.consumerLag;
  if (typeof consumer?.messages === 'number') {
    lag.inboundMessages = consumer.messages;
    lag.inboundByTopic = consumer.byTopic as Record<string, number>;
  }
  const stockView = details.stockViewBacklog;
  if (typeof stockView?.events === 'number') lag.stockViewEvents = stockView.events;
  const stockChanges = details.stockChangesBacklog;
  if (typeof stockChanges?.events === 'number') lag.stockChangesEvents = stockChanges.events;
  const outbox = details.outboxBacklog;
  if (typeof outbox?.messages === 'number') lag.outboxMessages = outbox.messages;
  return lag;
}
