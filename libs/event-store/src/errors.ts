/** Thrown when a stream moved on since it was loaded: the caller reloads and decides again. */
export class StreamVersionConflictError extends Error {
  readonly code = 'EVENT_STORE.STREAM_VERSION_CONFLICT';
  constructor(
    readonly streamIds: readonly string[],
    detail: string,
  ) {
    super(`stream version conflict on ${streamIds.slice(0, 5).join(', ')}${streamIds.length > 5 ? ', …' : ''}: ${detail}`);
    this.name = 'StreamVersionConflictError';
  }
}

export function isStreamVersionConflict(error: unknown): error is StreamVersionConflictError {
  return error instanceof StreamVersionConflictError;
}

/**
 * A stream's stored events start past what its snapshot (or the stream's start) covers: the events
 * between were archived (inventory-cli archive-events) and its snapshot is missing or of a state
 * shape this code no longer reads. Loading it would fold a wrong state, so it is refused.
 */
export class ArchivedEventsNeededError extends Error {
  readonly code = 'EVENT_STORE.ARCHIVED_EVENTS_NEEDED';
  constructor(
    readonly streamId: string,
    readonly fromVersion: number,
    readonly firstStoredVersion: number,
  ) {
    super(
      `stream ${streamId}: events after version ${fromVersion} up to ${firstStoredVersion - 1} are archived and no snapshot covers them; restore them from the archive`,
    );
    this.name = 'ArchivedEventsNeededError';
  }
}
