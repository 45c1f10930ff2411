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
