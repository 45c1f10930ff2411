import type { GlobalCheckpoint, ProjectedEvent } from './events';
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

/** Where an event sits in the global log, and which stream it is in: what a follower of "what changed" reads. */
export interface StreamChange extends GlobalCheckpoint {
  streamId: string;
}

/**
 * Follows another asynchronous projection (`follows`, its checkpoint's name) on a CheckpointedProcessor
 * of its own: told only which streams the next events are in, and never of an event past that
 * projection's checkpoint, so whatever it reads of that projection's read model already shows them.
 */
export interface FollowingProjection {
  /** Stable name; also the checkpoint's key. */
  readonly name: string;
  readonly follows: string;
  /** The next changes in global order (each event once, exactly once across crashes). */
  apply(sql: SqlClient, changes: readonly StreamChange[]): Promise<void>;
}
