import type { z } from 'zod';
import {
  logisticsEventSchema,
  offlineSalesEventSchema,
  onlineOrderEventSchema,
  stockMovementEventSchema,
  type InboundEvent,
} from './inbound-events';
import type { InboundTopicRole } from './topics';

const schemaByTopic: Record<InboundTopicRole, z.ZodType<InboundEvent>> = {
  offlineSales: offlineSalesEventSchema,
  onlineOrders: onlineOrderEventSchema,
  stockMovements: stockMovementEventSchema,
  logisticsEvents: logisticsEventSchema,
};

export interface FieldProblem {
  field: string;
  problem: string;
}

export type ParsedInbound =
  | { ok: true; event: InboundEvent }
  | { ok: false; reason: string; problems: FieldProblem[] };

/** Field-level problems of a zod error, with dotted paths a sender can act on (`lines.0.quantity`). */
export function describeProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(message)',
    problem: issue.message,
  }));
}

/** Validate an event object against the contract of the topic it arrived on. */
export function validateInboundEvent(role: InboundTopicRole, candidate: unknown): ParsedInbound {
  const result = schemaByTopic[role].safeParse(candidate);
  if (result.success) return { ok: true, event: result.data };
  const problems = describeProblems(result.error);
  return {
    ok: false,
    problems,
    reason: `schema violation: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`,
  };
}

/** Decode and validate the raw bytes of a Kafka value. Never throws. */
export function parseInboundMessage(role: InboundTopicRole, value: Buffer | null): ParsedInbound {
  if (value === null || value.length === 0) {
    return { ok: false, reason: 'empty message value', problems: [{ field: '(message)', problem: 'empty' }] };
  }
  let candidate: unknown;
  try {
    candidate = JSON.parse(value.toString('utf8'));
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `invalid JSON: ${problem}`, problems: [{ field: '(message)', problem }] };
  }
  return validateInboundEvent(role, candidate);
}
