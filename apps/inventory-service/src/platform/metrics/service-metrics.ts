import { FEEDBACK_MISFIT } from '@app/stock-domain';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, in one registry of its own (so tests can run several services). */
@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly inboundApplied = new Counter({
    name: 'inventory_inbound_events_applied_total',
    help: 'Inbound contract events applied, by topic and event type',
    labelNames: ['topic', 'type'] as const,
    registers: [this.registry],
  });

  readonly inboundDuplicates = new Counter({
    name: 'inventory_inbound_duplicates_total',
    help: 'Inbound events acknowledged with no effect because their eventId was applied before',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'inventory_dead_letters_total',
    help: 'Inbound messages sent to the dead-letter topic, by source topic and kind of reason',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });

  readonly stockEventsAppended = new Counter({
    name: 'inventory_stock_events_appended_total',
    help: 'Stock item events appended to the event store',
    registers: [this.registry],
  });

  readonly writeConflictRetries = new Counter({
    name: 'inventory_inbound_write_conflict_retries_total',
    help: 'Inbound batches rolled back and tried again because a concurrent writer changed one of their streams first (version conflict, serialization failure, deadlock), by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly batchSeconds = new Histogram({
    name: 'inventory_inbound_batch_seconds',
    help: 'Time to apply one inbound batch (one PostgreSQL transaction), by topic',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'inventory_http_request_seconds',
    help: 'HTTP request latency, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  private readonly projectionSources: Array<() => ReadonlyArray<{ name: string; stall: unknown }>> = [];

  /** 1 while a projection's batches fail here (a transient database fault: once it has lasted PROCESSOR_TRANSIENT_STALL_AFTER_MS), else 0. */
  readonly projectionStalled = new Gauge({
    name: 'inventory_projection_stalled',
    help: 'Whether a projection is stalled on this instance: its next batch keeps failing (1) or not (0)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
    collect: () => {
      for (const source of this.projectionSources)
        for (const processor of source()) this.projectionStalled.set({ projection: processor.name }, processor.stall ? 1 : 0);
    },
  });

  /** Report these processors' stalls in inventory_projection_stalled, read at each scrape. */
  watchProjections(processors: () => ReadonlyArray<{ name: string; stall: unknown }>): void {
    this.projectionSources.push(processors);
  }

  constructor() {
    // The event-loop lag histogram samples every 100 ms, not prom-client's 10 ms: 100 wake-ups a
    // second of an idle process were a third of its CPU; a lag of any size still shows.
    collectDefaultMetrics({ register: this.registry, prefix: 'inventory_', eventLoopMonitoringPrecision: 100 });
  }
}

/** The first words of a dead-letter reason, as a low-cardinality label. */
export function reasonKind(reason: string): string {
  if (reason.startsWith('invalid JSON')) return 'invalid_json';
  if (reason.startsWith('schema violation')) return 'schema_violation';
  if (reason.startsWith('occurredAt out of window')) return 'occurred_at_out_of_window';
  if (reason.startsWith('empty')) return 'empty';
  if (reason.startsWith('could not apply')) return 'could_not_apply';
  if (reason.startsWith(FEEDBACK_MISFIT)) return 'feedback_does_not_fit';
  const unknown = /^unknown (location|order|fulfillment|transfer)\b/.exec(reason);
  if (unknown) return `unknown_${unknown[1]}`;
  return 'other';
}
