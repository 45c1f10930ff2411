import { z } from 'zod';
import { httpResponseSchemas, lowStockItemSchema, negativeStockItemSchema } from './http-responses';

const count = z.number().int();

// Health -------------------------------------------------------------------------------------------

export const healthIndicatorSchema = z
  .looseObject({ status: z.enum(['up', 'down']), message: z.string().optional() })
  .describe(
    'postgres and kafka: up, or down with a message. consumerLag {messages, byTopic}, stockViewBacklog {events} and outboxBacklog {messages} are always up; a figure not measured is null, with a message',
  )
  .register(httpResponseSchemas, { id: 'HealthIndicator' });
export type HealthIndicator = z.infer<typeof healthIndicatorSchema>;

const indicators = (description: string) => z.record(z.string(), healthIndicatorSchema).describe(description);
const healthShape = {
  status: z.enum(['ok', 'unavailable']),
  info: indicators('The indicators that are up'),
  error: indicators('The indicators that are down'),
  details: indicators('Every indicator'),
  shuttingDown: z
    .literal(true)
    .optional()
    .describe('Present from the start of a graceful shutdown, when the answer is 503 whatever the indicators say'),
};

/** `GET /health/live` (and the base of `/health/ready`): terminus's result, with `status` ok or unavailable (readers rely on these two words). */
export const healthSchema = z
  .object(healthShape)
  .describe("@nestjs/terminus's result, with status ok or unavailable")
  .register(httpResponseSchemas, { id: 'Health' });
export type HealthAnswer = z.infer<typeof healthSchema>;

/** How far the service is behind, as `/health/ready` has always reported it (a figure not measured is left out). */
export const readinessLagSchema = z
  .object({
    inboundMessages: count.optional().describe('Inbound messages on Kafka not yet applied'),
    inboundByTopic: z.record(z.string(), count).optional(),
    stockViewEvents: count.optional().describe('Events not yet in the stock view, counted up to 10,000 (10000: at least that many)'),
    stockChangesEvents: count
      .optional()
      .describe(
        'Events whose stock changes are not yet queued for retail.stock.changes, counted up to 10,000 (absent when the feed is off)',
      ),
    outboxMessages: count.optional().describe('Outbox messages (logistics commands, dead letters) not yet published'),
  })
  .describe('How far the service is behind; a figure that could not be measured is left out');
export type ReadinessLag = z.infer<typeof readinessLagSchema>;

/** `GET /health/ready`: the health answer with the service's lag. */
export const readinessSchema = z
  .object({ ...healthShape, lag: readinessLagSchema })
  .describe("@nestjs/terminus's result, with status ok or unavailable, and how far the service is behind")
  .register(httpResponseSchemas, { id: 'Readiness' });
export type ReadinessAnswer = z.infer<typeof readinessSchema>;

// Dashboard ----------------------------------------------------------------------------------------

/** A logistics command as queued (any JSON object; one that is not readable says so), and whether it has been published. */
export const recentCommandSchema = z.looseObject({ commandId: z.string().optional(), type: z.string().optional(), published: z.boolean() });
export type RecentCommand = z.infer<typeof recentCommandSchema>;

/** `GET /v1/dashboard/summary`: what the dashboard page polls, in one answer. */
export const dashboardSummarySchema = z
  .object({
    eventsApplied: count.describe('Inbound events applied by this instance since it started'),
    eventsPerSecond: z.number().describe('Inbound events applied per second over the last 5 s, on this instance'),
    consumerLag: z
      .object({ total: count, byTopic: z.record(z.string(), count) })
      .nullable()
      .describe('Inbound messages on Kafka not yet applied; null when Kafka did not answer within 2 s'),
    stockViewBacklog: count.nullable().describe('Events not yet in the stock view; null when PostgreSQL did not answer'),
    ready: z.boolean().describe('PostgreSQL and Kafka answer (as GET /health/ready)'),
    recentCommands: z
      .array(recentCommandSchema)
      .describe('The last 20 logistics commands queued, newest first: the command as sent plus whether it has been published'),
    negativeStock: z.array(negativeStockItemSchema),
    lowStock: z.array(lowStockItemSchema),
  })
  .register(httpResponseSchemas, { id: 'DashboardSummary' });
export type DashboardSummary = z.infer<typeof dashboardSummarySchema>;
