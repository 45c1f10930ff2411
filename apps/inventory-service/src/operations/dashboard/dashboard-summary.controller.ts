import type { DashboardSummary, RecentCommand } from '@app/contracts';
import { SqlReader, projectionBacklog } from '@app/event-store';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ServiceConfig } from '../../platform/config';
import { ConsumerLagService } from '../../ingestion';
import { STOCK_LEVELS_PROJECTION } from '../../stock-views';
import { SELECT_LOW_STOCK, SELECT_NEGATIVE_STOCK } from '../../stock-views';
import { SELECT_RECENT_OUTBOX_MESSAGES } from './dashboard.sql';
import { EventRateSampler } from './event-rate.sampler';
import { HttpReads } from '../../platform/database';
import { Access } from '../../platform/access';

const RECENT_COMMANDS = 20;
const TOP_ALERTS = 10;
/** The page polls every second or so: a Kafka that does not answer must not hold the summary up. */
const LAG_TIMEOUT_MS = 2_000;

/** `GET /v1/dashboard/summary`: what the dashboard page polls, in one answer. */
@Controller('v1/dashboard')
export class DashboardSummaryController {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(ConsumerLagService) private readonly consumerLag: ConsumerLagService,
    @Inject(EventRateSampler) private readonly eventRate: EventRateSampler,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  @Get('summary')
  @Access.operator('operations:read')
  @Header('Cache-Control', 'no-store')
  async summary(): Promise<DashboardSummary> {
    const [rate, lag, backlog, commands, negative, low] = await Promise.allSettled([
      this.eventRate.current(),
      withTimeout(this.consumerLag.measure(), LAG_TIMEOUT_MS, 'consumer lag'),
      projectionBacklog(this.reads, STOCK_LEVELS_PROJECTION),
      this.recentCommands(),
      this.reads.query<{ location_id: string; sku: string; on_hand: number; last_changed_at: Date }>(SELECT_NEGATIVE_STOCK, [TOP_ALERTS]),
      this.reads.query<{ location_id: string; sku: string; available: number; reorder_point: number; reorder_quantity: number | null }>(
        SELECT_LOW_STOCK,
        [TOP_ALERTS],
      ),
    ]);
    // Without the database there is nothing to show: let the error filter answer.
    for (const read of [commands, negative, low]) if (read.status === 'rejected') throw read.reason;
    const valueOf = <T>(result: PromiseSettledResult<T>): T | null => (result.status === 'fulfilled' ? result.value : null);
    return {
      eventsApplied: valueOf(rate)?.eventsApplied ?? 0,
      eventsPerSecond: valueOf(rate)?.eventsPerSecond ?? 0,
      consumerLag: valueOf(lag),
      stockViewBacklog: valueOf(backlog),
      ready: lag.status === 'fulfilled' && backlog.status === 'fulfilled',
      recentCommands: valueOf(commands)!,
      negativeStock: valueOf(negative)!.map((row) => ({
        locationId: row.location_id,
        sku: row.sku,
        onHand: row.on_hand,
        lastChangedAt: row.last_changed_at.toISOString(),
      })),
      lowStock: valueOf(low)!.map((row) => ({
        locationId: row.location_id,
        sku: row.sku,
        available: row.available,
        reorderPoint: row.reorder_point,
        reorderQuantity: row.reorder_quantity,
      })),
    };
  }

  /** The last logistics commands queued, newest first, each as sent plus whether it has been published. */
  private async recentCommands(): Promise<DashboardSummary['recentCommands']> {
    const rows = await this.reads.query<{ id: string; message_value: Buffer | null; published: boolean }>(SELECT_RECENT_OUTBOX_MESSAGES, [
      this.config.kafka.topics.logisticsCommands,
      RECENT_COMMANDS,
    ]);
    return rows.map((row) => ({ ...commandOf(row.message_value), published: row.published }));
  }
}

/** A queued command's JSON; one that is not a JSON object is shown as such rather than hidden. */
function commandOf(value: Buffer | null): Omit<RecentCommand, 'published'> {
  try {
    const parsed: unknown = JSON.parse(value?.toString('utf8') ?? 'null');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Omit<RecentCommand, 'published'>;
  } catch {
    // shown below
  }
  return { type: 'unreadable', problem: 'the queued message is not a JSON object' };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
