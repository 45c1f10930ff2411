import { SqlReader } from '@app/event-store';
import { HealthIndicatorService } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import type { StockViewsProcessor } from '../../stock-views';
import { BacklogHealthIndicator, HEALTH_BACKLOG_CAP } from './health-indicators';

/** A read pool that answers the checkpoint read and the backlog count, and keeps the count's parameters. */
class CountingReads extends SqlReader {
  readonly countParams: unknown[][] = [];
  async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (text.includes('AS behind')) {
      this.countParams.push([...params]);
      return [{ behind: Math.min(Number(params[2]), 2_000_000) }] as Row[];
    }
    return [] as Row[]; // no checkpoint yet: the log's start
  }
}

describe('the stock-view and stock-changes backlogs on /health/ready', () => {
  it('counts at most HEALTH_BACKLOG_CAP events, so a probe of a service far behind stays one short index walk', async () => {
    const reads = new CountingReads();
    const feed = { stockChanges: { name: 'stock-changes' } } as unknown as StockViewsProcessor;
    const indicator = new BacklogHealthIndicator(new HealthIndicatorService(), reads, feed);
    const view = await indicator.stockView('stockViewBacklog');
    const changes = await indicator.stockChanges('stockChangesBacklog');
    expect(reads.countParams.map((params) => params[2])).toEqual([HEALTH_BACKLOG_CAP, HEALTH_BACKLOG_CAP]);
    expect(view).toEqual({ stockViewBacklog: { status: 'up', events: HEALTH_BACKLOG_CAP } });
    expect(changes).toEqual({ stockChangesBacklog: { status: 'up', events: HEALTH_BACKLOG_CAP } });
    expect(HEALTH_BACKLOG_CAP).toBeLessThanOrEqual(10_000);
  });
});
