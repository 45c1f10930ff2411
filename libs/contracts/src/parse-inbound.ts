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

export type ParsedInbound = { ok: true; event: InboundEvent } | { ok: false; reason: string; problems: FieldProblem[] };

/** Field-level problems of a zod error, with dotted paths a sender can act on (`lines.0.quantity`). */
export function describeProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(message)',
    problem: issue.message,
  }));
}

/**
 * Where a value holds the NUL character (U+0000), which JSON allows and PostgreSQL can store in
 * neither text nor jsonb: the dotted path of the first such string or key, else null. Every inbound
 * message is walked, so the walk allocates nothing until it finds one (no path per key, no entries).
 */
export function pathOfNulCharacter(value: unknown, path: readonly (string | number)[] = []): string | null {
  if (!holdsNulCharacter(value)) return null;
  if (typeof value === 'string') return path.join('.') || '(message)';
  for (const [key, item] of Object.entries(value as object)) {
    if (key.includes('\u0000')) return [...path, '(a key)'].join('.');
    if (holdsNulCharacter(item)) return pathOfNulCharacter(item, [...path, Array.isArray(value) ? Number(key) : key]);
  }
  return null;
}

/** Whether a string, or any string or key inside an object or array, holds the NUL character. */
function holdsNulCharacter(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsNulCharacter(item)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes('\u0000') || holdsNulCharacter((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** The field problem of a value that holds the NUL character, if it does (events and HTTP bodies alike). */
export function nulCharacterProblem(value: unknown): FieldProblem | null {
  const field = pathOfNulCharacter(value);
  return field === null ? null : { field, problem: 'contains the NUL character (U+0000), which cannot be stored' };
}

/** The earliest `occurredAt` the service takes (contract v1.1). */
export const EARLIEST_OCCURRED_AT = '2000-01-01T00:00:00.000Z';
const EARLIEST_OCCURRED_AT_MS = Date.parse(EARLIEST_OCCURRED_AT);
/** How far past the service's clock an `occurredAt` may lie when MAX_CLOCK_SKEW is not set: 1 hour. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

/**
 * When an event may have happened: from 2000-01-01T00:00:00Z to the service's clock (`now`, passed in
 * so validation stays a pure function) plus MAX_CLOCK_SKEW.
 */
export interface OccurredAtWindow {
  now: Date;
  maxClockSkewMs: number;
}

/**
 * The problem with an `occurredAt` outside the window, else null. A count dated decades ahead would
 * otherwise hide every later movement at its stock item, and a year PostgreSQL cannot store (0000)
 * would stop the projections.
 */
export function occurredAtProblem(occurredAt: string, window: OccurredAtWindow): FieldProblem | null {
  const at = Date.parse(occurredAt);
  const latestMs = window.now.getTime() + window.maxClockSkewMs;
  if (at >= EARLIEST_OCCURRED_AT_MS && at <= latestMs) return null;
  return {
    field: 'occurredAt',
    problem: `${occurredAt} is outside the accepted window ${EARLIEST_OCCURRED_AT} to ${new Date(latestMs).toISOString()} (the service clock plus MAX_CLOCK_SKEW of ${window.maxClockSkewMs} ms)`,
  };
}

/**
 * Validate an event object against the contract of the topic it arrived on, and its `occurredAt`
 * against the time window (by default the machine's clock now and a skew of 1 hour).
 */
export function validateInboundEvent(
  role: InboundTopicRole,
  candidate: unknown,
  window: OccurredAtWindow = { now: new Date(), maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS },
): ParsedInbound {
  const nul = nulCharacterProblem(candidate);
  if (nul !== null) return { ok: false, problems: [nul], reason: `schema violation: ${nul.field}: ${nul.problem}` };
  const result = schemaByTopic[role].safeParse(candidate);
  if (result.success) {
    const late = occurredAtProblem(result.data.occurredAt, window);
    if (late === null) return { ok: true, event: result.data };
    return { ok: false, problems: [late], reason: `occurredAt out of window: ${late.field} ${late.problem}` };
  }
  const problems = describeProblems(result.error);
  return {
    ok: false,
    problems,
    reason: `schema violation: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`,
  };
}

/** Decode and validate the raw bytes of a Kafka value (the window as for validateInboundEvent). Never throws. */
export function parseInboundMessage(role: InboundTopicRole, value: Buffer | null, window?: OccurredAtWindow): ParsedInbound {
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
  return validateInboundEvent(role, candidate, window);
}
