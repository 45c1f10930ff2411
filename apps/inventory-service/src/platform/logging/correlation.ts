import { randomUUID } from 'node:crypto';

/** The HTTP header a caller may send its correlation id in; the service echoes it (or the one it made up). */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const ACCEPTABLE_CORRELATION_ID = /^[\x20-\x7e]{1,200}$/;
/** Dead letters are rare, but their values come from anyone: do not parse a huge one to find its id. */
const MAX_PARSED_VALUE_BYTES = 1024 * 1024;

/** The caller's correlation id when it is 1 to 200 printable ASCII characters, else a new UUID. */
export function correlationIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_CORRELATION_ID.test(header) ? header : randomUUID();
}

/**
 * Log fields of one Kafka batch (one partition's messages): its topic, partition and first and last
 * offsets, and a correlation id made of them, `topic[partition]@first-last`.
 */
export function kafkaBatchLogFields(topic: string, partition: number, messages: ReadonlyArray<{ offset: string }>) {
  const firstOffset = messages[0]?.offset ?? '';
  const lastOffset = messages[messages.length - 1]?.offset ?? '';
  return { correlationId: `${topic}[${partition}]@${firstOffset}-${lastOffset}`, topic, partition, firstOffset, lastOffset };
}

/**
 * The correlation id of an inbound message as its events' metadata carries it: the orderId when it
 * has one, else its eventId; undefined when the value has neither (not JSON, say).
 */
export function inboundCorrelationId(value: Buffer | string | null): string | undefined {
  if (value === null || value.length > MAX_PARSED_VALUE_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { orderId, eventId } = parsed as { orderId?: unknown; eventId?: unknown };
  if (typeof orderId === 'string' && orderId.length > 0) return orderId;
  return typeof eventId === 'string' && eventId.length > 0 ? eventId : undefined;
}
