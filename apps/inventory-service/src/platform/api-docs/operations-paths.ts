import { ref } from './json-schema';
import { error, json } from './openapi-parts';

/** Health, metrics and the operators' dashboard. */
export const operationsPaths = {
  '/health/live': {
    get: {
      summary: 'The process answers (@nestjs/terminus, no indicators)',
      responses: { '200': json(ref('Health'), 'Alive'), '503': json(ref('Health'), 'Shutting down') },
    },
  },
  '/health/ready': {
    get: {
      summary:
        'PostgreSQL and Kafka answer and no projection is stalled (@nestjs/terminus); consumer lag, stock-view and outbox backlog reported, never a reason to be unready',
      responses: {
        '200': json(ref('Readiness'), 'Ready: PostgreSQL and Kafka answer, no projection is stalled'),
        '503': json(
          ref('Readiness'),
          'PostgreSQL or Kafka did not answer (within 2 s), a projection is stalled (its next batch keeps failing: `error.projections.stalled` lists each with `projection`, `position`, `error`, `since`, `attempts`), or the service is shutting down',
        ),
      },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics',
      responses: {
        '200': {
          description: 'The Prometheus text format (Content-Type: text/plain; version=0.0.4)',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
  },
  '/dashboard': {
    get: {
      summary:
        "The live operators' page (self-contained HTML): a SKU's stock on a map of the locations, event rate, lag, readiness, recent logistics commands, alerts",
      parameters: [
        {
          name: 'sku',
          in: 'query',
          required: false,
          description: 'The SKU shown first (read by the page itself)',
          schema: { type: 'string' },
        },
      ],
      responses: { '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
  '/dashboard/{file}': {
    get: {
      summary: "One of the dashboard page's own scripts or stylesheets (what GET /dashboard loads)",
      parameters: [
        { name: 'file', in: 'path', required: true, description: 'e.g. dashboard.js, dashboard.css', schema: { type: 'string' } },
      ],
      responses: {
        '200': {
          description: 'The file',
          content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } },
        },
        '404': error('No such file of the page (`DASHBOARD.NO_SUCH_FILE`)'),
      },
    },
  },
  '/v1/dashboard/summary': {
    get: {
      summary:
        'What the dashboard polls: events applied and their rate on this instance, consumer lag, readiness, the last 20 logistics commands, the worst 10 negative and low stock',
      responses: { '200': json(ref('DashboardSummary'), 'The summary') },
    },
  },
};
