/** A stream's state as of a committed version. */
export interface CachedStreamState<State> {
  version: number;
  state: State;
}

/**
 * The last committed state this process has seen of many streams, the most recently used kept
 * (at most `capacity`). A unit of work takes a cached state only after checking, in the same
 * transaction, that the stream is still at that version (one index lookup instead of reading a
 * snapshot and replaying the events after it), so a stream written elsewhere is simply read again,
 * and the append's expected version still guards every write.
 *
 * States must be immutable values (an `evolve` that returns a new state, as every decider here
 * does): the cache and a unit of work share them.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, CachedStreamState<State>>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number >= 0, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached state of a stream, marked as just used; undefined when not cached. */
  get(streamId: string): CachedStreamState<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  /** Keep a committed state (only once its transaction has committed), evicting the least recently used beyond capacity. */
  remember(streamId: string, version: number, state: State): void {
    if (this.capacity === 0) return;
    const known = this.entries.get(streamId);
    if (known && known.version > version) return; // never go back to an older state
    this.entries.delete(streamId);
    this.entries.set(streamId, { version, state });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }
}
