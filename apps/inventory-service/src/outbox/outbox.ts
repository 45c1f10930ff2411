import type { SqlClient } from '@app/event-store';
import type { StoredHeaders } from '../platform/kafka';
import { INSERT_OUTBOX_MESSAGES } from './outbox.sql';

/** Headers on every relayed message: which outbox row of which database it came from. */
export const OUTBOX_HEADERS = { id: 'outbox-id', origin: 'outbox-origin' } as const;

export interface OutboxMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: StoredHeaders;
}

/** Queue messages for the relay, in the transaction that decided them. */
export async function enqueueOutboxMessages(sql: SqlClient, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await sql.query(INSERT_OUTBOX_MESSAGES, [
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => m.value),
    messages.map((m) => JSON.stringify(m.headers)),
  ]);
  sql.wrote?.('outbox');
}
