import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ServiceMetrics } from '../../platform/metrics';
import { ratePerSecond, samplesWithin, type CounterSample } from './event-rate';

/** The rate is measured over this window, from samples taken every SAMPLE_EVERY_MS. */
export const EVENT_RATE_WINDOW_MS = 5_000;
const SAMPLE_EVERY_MS = 1_000;

/**
 * Samples the inbound-events-applied counter (all topics) once a second, in memory, so the dashboard
 * can show events applied per second on this instance. The counter moves only after a batch commits.
 */
@Injectable()
export class EventRateSampler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private samples: CounterSample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  onApplicationBootstrap(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Events applied since start-up, and per second over the last EVENT_RATE_WINDOW_MS. */
  async current(): Promise<{ eventsApplied: number; eventsPerSecond: number }> {
    const now = await this.read();
    return { eventsApplied: now.total, eventsPerSecond: ratePerSecond(this.samples, now, EVENT_RATE_WINDOW_MS) };
  }

  private async sample(): Promise<void> {
    const now = await this.read();
    // A second more than the window: the oldest sample inside it is then about a window old.
    this.samples = [...samplesWithin(this.samples, now.at, EVENT_RATE_WINDOW_MS + SAMPLE_EVERY_MS), now];
  }

  private async read(): Promise<CounterSample> {
    const { values } = await this.metrics.inboundApplied.get();
    return { at: performance.now(), total: values.reduce((total, value) => total + value.value, 0) };
  }
}
