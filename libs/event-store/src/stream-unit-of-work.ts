import type { Decider, SnapshotPolicy, Upcaster } from './decider';
import type { AppendOutcome, EventMetadata, NewEvent, StreamAppend } from './events';
import { PostgresEventStore, type AppendOptions } from './event-store';
import { SELECT_SNAPSHOTS, UPSERT_SNAPSHOTS } from './event-store.sql';
import { ArchivedEventsNeededError } from './errors';
import type { SqlClient } from './sql-client';
import type { StreamStateCache } from './stream-state-cache';
import type { StreamKind } from './stream-kind';

interface LoadedStream<State> {
  state: State;
  loadedVersion: number;
  pending: NewEvent[];
}

export interface RecordOptions<Event> {
  /** A stable id for each event the command records, so that a retried command is a no-op. */
  eventIdFor: (event: Event, index: number) => string;
  metadata?: EventMetadata;
  schemaVersion?: number;
}

/**
 * Many streams of one kind, loaded together (snapshot + newer events), changed by commands in
 * memory, and appended together at their loaded versions in one statement: the batch path.
 * Belongs to one transaction; throw it away after commit or on any error.
 */
export class StreamUnitOfWork<Command, State, Event extends { type: string; data: unknown }> {
  private readonly streams = new Map<string, LoadedStream<State>>();
  /** Streams appended by commit() whose state is exactly that of their new version. */
  private readonly appendedVersions = new Map<string, number>();

  /** With a cache, streams still at a cached version are not read again, and rememberCommitted() feeds it. */
  private constructor(
    private readonly sql: SqlClient,
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<Command, State, Event>,
    private readonly snapshots: SnapshotPolicy,
    private readonly upcast: Upcaster<Event>,
    private readonly cache?: StreamStateCache<State>,
  ) {}

  /** A unit of work on streams of one kind (its decider, snapshot policy and upcaster). */
  static of<Command, State, Event extends { type: string; data: unknown }>(
    sql: SqlClient,
    store: PostgresEventStore,
    kind: Pick<StreamKind<Command, State, Event, unknown>, 'decider' | 'snapshots' | 'upcast'>,
    cache?: StreamStateCache<State>,
  ): StreamUnitOfWork<Command, State, Event> {
    return new StreamUnitOfWork(sql, store, kind.decider, kind.snapshots, kind.upcast, cache);
  }

  /**
   * Load every named stream not loaded yet, with two queries whatever their number (three with a
   * cache: streams still at their cached version are taken from it, the others read).
   */
  async load(streamIds: Iterable<string>): Promise<void> {
    const missing = await this.takeCurrentFromCache([...new Set(streamIds)].filter((id) => !this.streams.has(id)));
    if (missing.length === 0) return;
    const snapshotRows = await this.sql.query<{ stream_id: string; stream_version: number; state: State }>(SELECT_SNAPSHOTS, [
      missing,
      this.snapshots.stateVersion,
    ]);
    const fromSnapshot = new Map(snapshotRows.map((row) => [row.stream_id, row]));
    const after = new Map(missing.map((id) => [id, fromSnapshot.get(id)?.stream_version ?? 0]));
    const events = await this.store.readStreamsAfter(this.sql, after);
    for (const id of missing) {
      const snapshot = fromSnapshot.get(id);
      let state = snapshot ? snapshot.state : this.decider.initialState();
      let version = snapshot?.stream_version ?? 0;
      const first = events.get(id)?.[0];
      if (first && first.streamVersion !== version + 1) throw new ArchivedEventsNeededError(id, version, first.streamVersion);
      for (const stored of events.get(id) ?? []) {
        state = this.decider.evolve(state, this.upcast(stored));
        version = stored.streamVersion;
      }
      this.streams.set(id, { state, loadedVersion: version, pending: [] });
      this.cache?.remember(id, version, state); // read from committed data
    }
  }

  /** The streams not taken from the cache: those not cached, or moved on since (checked in this transaction). */
  private async takeCurrentFromCache(streamIds: string[]): Promise<string[]> {
    if (!this.cache || streamIds.length === 0) return streamIds;
    const cached = new Map<string, { version: number; state: State }>();
    for (const id of streamIds) {
      const entry = this.cache.get(id);
      if (entry) cached.set(id, entry);
    }
    if (cached.size === 0) return streamIds;
    const versions = await this.store.streamVersions(this.sql, [...cached.keys()]);
    return streamIds.filter((id) => {
      const entry = cached.get(id);
      if (!entry || versions.get(id) !== entry.version) return true;
      this.streams.set(id, { state: entry.state, loadedVersion: entry.version, pending: [] });
      return false;
    });
  }

  stateOf(streamId: string): State {
    return this.loaded(streamId).state;
  }

  /** The stream version the stream was loaded at (0 for a new stream). */
  versionOf(streamId: string): number {
    return this.loaded(streamId).loadedVersion;
  }

  /** Streams with events queued for commit, in the order they were loaded. */
  changedStreamIds(): string[] {
    return [...this.streams].filter(([, stream]) => stream.pending.length > 0).map(([streamId]) => streamId);
  }

  /** Decide on the stream's current state, evolve it, and queue the events for commit. */
  execute(streamId: string, command: Command, options: RecordOptions<Event>): Event[] {
    const stream = this.loaded(streamId);
    const events = this.decider.decide(command, stream.state);
    events.forEach((event, index) => {
      stream.state = this.decider.evolve(stream.state, event);
      stream.pending.push({
        eventId: options.eventIdFor(event, index),
        type: event.type,
        data: event.data,
        schemaVersion: options.schemaVersion ?? 1,
        metadata: options.metadata,
      });
    });
    return events;
  }

  /** Append everything queued, each stream at the version it was loaded at; snapshot where due. */
  async commit(options: AppendOptions = {}): Promise<AppendOutcome> {
    const appends: StreamAppend[] = [];
    for (const [streamId, stream] of this.streams) {
      if (stream.pending.length > 0) appends.push({ streamId, expectedVersion: stream.loadedVersion, events: stream.pending });
    }
    const outcome = await this.store.appendToStreams(this.sql, appends, options);
    for (const { streamId, expectedVersion, events } of appends) {
      const version = outcome.streamVersions.get(streamId);
      if (version === expectedVersion + events.length) this.appendedVersions.set(streamId, version);
      else this.cache?.forget(streamId); // duplicates skipped: the state is not that of the stored version
    }
    await this.snapshotWhereDue(outcome);
    return outcome;
  }

  /** Once the transaction has committed (never before): the appended streams' states go to the cache. */
  rememberCommitted(): void {
    for (const [streamId, version] of this.appendedVersions) this.cache?.remember(streamId, version, this.loaded(streamId).state);
  }

  /**
   * Snapshot every loaded stream without queued events at the version it was loaded at (the
   * archiver's: the events up to it may then leave the log). Returns how many were written.
   */
  async snapshotLoaded(): Promise<number> {
    const due = [...this.streams].filter(([, stream]) => stream.pending.length === 0 && stream.loadedVersion > 0);
    return this.writeSnapshots(due.map(([streamId, stream]) => [streamId, stream.loadedVersion, stream.state]));
  }

  private async snapshotWhereDue(outcome: AppendOutcome): Promise<void> {
    const every = this.snapshots.everyEvents;
    const due: Array<[streamId: string, version: number, state: State]> = [];
    for (const [streamId, stream] of this.streams) {
      const version = outcome.streamVersions.get(streamId);
      if (version === undefined || Math.floor(version / every) === Math.floor(stream.loadedVersion / every)) continue;
      if (version !== stream.loadedVersion + stream.pending.length) continue; // duplicates skipped: state is not that of `version`
      due.push([streamId, version, stream.state]);
    }
    await this.writeSnapshots(due);
  }

  /** Upsert these snapshots in one statement; returns how many were passed. */
  private async writeSnapshots(due: ReadonlyArray<readonly [streamId: string, version: number, state: State]>): Promise<number> {
    if (due.length === 0) return 0;
    await this.sql.query(UPSERT_SNAPSHOTS, [
      due.map(([id]) => id),
      due.map(([, version]) => version),
      this.snapshots.stateVersion,
      due.map(([, , state]) => JSON.stringify(state)),
    ]);
    return due.length;
  }

  private loaded(streamId: string): LoadedStream<State> {
    const stream = this.streams.get(streamId);
    if (!stream) throw new Error(`stream ${streamId} was not loaded before use`);
    return stream;
  }
}
