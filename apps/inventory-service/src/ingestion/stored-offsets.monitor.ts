import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Counter, Gauge } from 'prom-client';
import { ServiceMetrics } from '../platform/metrics';

/** A partition whose stored next offset lies past the end of its log (the topic was recreated, say). */
export interface StoredOffsetAheadOfLog {
  topic: string;
  partition: number;
  storedNextOffset: string;
  logEndOffset: string;
}

/**
 * What is wrong between PostgreSQL's offsets (the truth of what was applied) and Kafka's log: a
 * stored offset past the log's end, whose partition is paused rather than its new messages taken
 * as applied, and messages the log deleted (retention) before they were applied. Both are logged by
 * the consumer; here they are counted, and told to `/health/ready`.
 */
@Injectable()
export class StoredOffsetsMonitor {
  private readonly ahead = new Map<string, StoredOffsetAheadOfLog>();
  private readonly aheadGauge: Gauge<'topic' | 'partition'>;
  private readonly lostCounter: Counter<'topic' | 'partition'>;

  constructor(@Inject(ServiceMetrics) metrics: ServiceMetrics) {
    this.aheadGauge = new Gauge({
      name: 'inventory_stored_offset_ahead_of_log',
      help: "Offsets by which a partition's stored next offset lies past its log's end (the topic recreated?); the partition is paused, 0 once resolved",
      labelNames: ['topic', 'partition'] as const,
      registers: [metrics.registry],
    });
    this.lostCounter = new Counter({
      name: 'inventory_inbound_messages_lost_to_retention_total',
      help: "Inbound offsets Kafka deleted (retention) between the partition's stored next offset and its log start before they were applied",
      labelNames: ['topic', 'partition'] as const,
      registers: [metrics.registry],
    });
  }

  aheadOfLog(report: StoredOffsetAheadOfLog): void {
    this.ahead.set(`${report.topic}:${report.partition}`, report);
    this.aheadGauge.set(
      { topic: report.topic, partition: String(report.partition) },
      Number(BigInt(report.storedNextOffset) - BigInt(report.logEndOffset)),
    );
  }

  /** The partition's stored offset is within its log (again). */
  withinLog(topic: string, partition: number): void {
    if (this.ahead.delete(`${topic}:${partition}`)) this.aheadGauge.set({ topic, partition: String(partition) }, 0);
  }

  lostToRetention(topic: string, partition: number, offsets: bigint): void {
    this.lostCounter.inc({ topic, partition: String(partition) }, Number(offsets));
  }

  partitionsAheadOfLog(): StoredOffsetAheadOfLog[] {
    return [...this.ahead.values()];
  }
}

/**
 * `storedOffsets`: down (so `/health/ready` answers 503) while a partition's stored next offset is
 * past its log's end, naming each such partition; nothing the service can fix by itself.
 */
@Injectable()
export class StoredOffsetsHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(StoredOffsetsMonitor) private readonly monitor: StoredOffsetsMonitor,
  ) {}

  isHealthy<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    const ahead = this.monitor.partitionsAheadOfLog();
    if (ahead.length === 0) return indicator.up();
    return indicator.down({
      message: `stored offsets past the end of the log (topic recreated? the partitions are paused): ${ahead
        .map((p) => `${p.topic}[${p.partition}] stored next ${p.storedNextOffset}, log ends at ${p.logEndOffset}`)
        .join('; ')}`,
      partitions: ahead,
    });
  }
}
