import type { SqlClient } from '@app/event-store';
import type { StoredHeaders } from '../platform/kafka';
import { INSERT_OUTBOX_MESSAGES, SELECT_OUTBOX_ORIGIN, UNPUBLISHED_OF_TOPIC_WAITING } from './outbox.sql';

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

/** This database's origin id: the same for every instance on it, another for every other database. */
export async function readOutboxOrigin(sql: SqlClient): Promise<string> {
  const [row] = await sql.query<{ origin: string }>(SELECT_OUTBOX_ORIGIN);
  if (!row) throw new Error('outbox_relay_state has no row: run the migrations');
  return row.origin;
}

/** Whether any message for `topic` waits in the outbox to be published. */
export async function unpublishedOfTopicWaiting(sql: SqlClient, topic: string): Promise<boolean> {
  const [row] = await sql.query<{ waiting: boolean }>(UNPUBLISHED_OF_TOPIC_WAITING, [topic]);
  return row?.waiting ?? false;
}
