/** A stream's state as of a committed version. */
export interface CachedStreamState<State> {
  version: number;
  state: State;
}

/** What one cached stream costs in memory, in bytes: an estimate, cheap enough to take on every remember. */
export type CachedStateSize<State> = (streamId: string, state: State) => number;

/**
 * The last committed state this process has seen of many streams, the most recently used kept
 * while their estimated size stays within `capacityBytes` (states differ widely in size: a busy
 * stock item carries two days of movements, a quiet one none, so a count of entries bounds nothing).
 * A unit of work takes a cached state only after checking, in the same transaction, that the stream
 * is still at that version (one index lookup instead of reading a snapshot and replaying the events
 * after it), so a stream written elsewhere is simply read again, and the append's expected version
 * still guards every write.
 *
 * States must be immutable values (an `evolve` that returns a new state, as every decider here
 * does): the cache and a unit of work share them.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, CachedStreamState<State> & { bytes: number }>();
  private bytesHeld = 0;

  constructor(
    readonly capacityBytes: number,
    private readonly sizeOf: CachedStateSize<State>,
  ) {
    if (!Number.isInteger(capacityBytes) || capacityBytes < 0)
      throw new RangeError(`capacity must be a whole number of bytes >= 0, got ${capacityBytes}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes the cached states take. */
  get bytes(): number {
    return this.bytesHeld;
  }

  /** The cached state of a stream, marked as just used; undefined when not cached. */
  get(streamId: string): CachedStreamState<State> | undefined {
    const entry = this.entries.get(streamId);
    if (!entry) return undefined;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return { version: entry.version, state: entry.state };
  }

  /**
   * Keep a committed state (only once its transaction has committed), evicting the least recently
   * used until the cache fits its capacity again; a state larger than the whole capacity is not kept.
   */
  remember(streamId: string, version: number, state: State): void {
    if (this.capacityBytes === 0) return;
    const known = this.entries.get(streamId);
    if (known && known.version > version) return; // never go back to an older state
    this.forget(streamId);
    const bytes = this.sizeOf(streamId, state);
    if (bytes > this.capacityBytes) return;
    this.entries.set(streamId, { version, state, bytes });
    this.bytesHeld += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytesHeld <= this.capacityBytes) break;
      this.entries.delete(oldest);
      this.bytesHeld -= entry.bytes;
    }
  }

  forget(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (!entry) return;
    this.entries.delete(streamId);
    this.bytesHeld -= entry.bytes;
  }
}
