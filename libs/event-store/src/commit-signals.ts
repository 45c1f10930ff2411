/** What a committed transaction wrote that someone in this process waits for. */
export type CommittedWrite = 'events' | 'outbox';

/**
 * Tells this process's waiters that a transaction committed events or outbox rows, so a caught-up
 * processor or relay can sleep long and still start at once when there is work. The transaction
 * runner calls committed() after the commit, with what the transaction's statements said they wrote
 * (SqlClient.wrote). Work written by another process is found by the waiters' own fallback polls.
 */
export class CommitSignals {
  private readonly listeners = new Set<(writes: ReadonlySet<CommittedWrite>) => void>();

  /** Hear every commit that wrote something; resolves to the unsubscribe function. */
  subscribe(listener: (writes: ReadonlySet<CommittedWrite>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  committed(writes: ReadonlySet<CommittedWrite>): void {
    if (writes.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(writes);
      } catch {
        // a listener's fault is its own: the commit happened, and the other listeners hear of it
      }
    }
  }
}
