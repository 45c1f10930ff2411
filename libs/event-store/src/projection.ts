import type { ProjectedEvent } from './events';
import type { SqlClient } from './sql-client';

/**
 * A read model kept from the event log. Inline: `apply` runs inside the append's transaction.
 * Asynchronous (CheckpointedProcessor): it runs in the transaction that stores its checkpoint.
 * Either way, an event is applied exactly once.
 */
export interface Projection {
  /** Stable name; also the checkpoint's key. */
  readonly name: string;
  /** Apply events in the order they were appended (inline) or in global order (asynchronous). */
  apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void>;
}
