import { TransactionRunner, ensureEventPartitions } from '@app/event-store';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ServiceConfig } from '../config';

/** How often the partitions ahead are checked: far more often than a partition of the log fills. */
const CHECK_EVERY_MS = 60_000;

/**
 * Keeps the event log's range partitions created ahead of the transaction ids (ensureEventPartitions),
 * at start-up and every minute, so appends land in a range partition and not in the default one.
 * Each check is a catalog read and an index probe; a failed one (a lock not had in time) is retried
 * at the next.
 */
@Injectable()
export class EventLogPartitionMaintainer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventLogPartitionMaintainer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  check(): Promise<void> {
    this.running ??= this.transactions
      .inTransaction((sql) => ensureEventPartitions(sql, this.config.eventStore.partitionXids))
      .then(({ created, movedFromDefault }) => {
        if (created.length > 0)
          this.logger.log(
            `event log partitions created: ${created.join(', ')}${movedFromDefault > 0 ? ` (${movedFromDefault} events moved out of the default partition)` : ''}`,
          );
      })
      .catch((error: Error) => this.logger.warn(`event log partition check failed, retrying in a minute: ${error.message}`))
      .finally(() => (this.running = null));
    return this.running;
  }
}
