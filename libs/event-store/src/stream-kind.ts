import type { Decider, SnapshotPolicy, Upcaster } from './decider';
import type { PostgresEventStore } from './event-store';
import type { RecordedEvent } from './events';
import type { SqlClient } from './sql-client';

/**
 * Everything the event store needs to know about one kind of stream, in one place: its name (what
 * its stream ids start with), its pure decider, how its stored events are read back (upcast), when
 * its state is snapshotted, and its id format (mint an id from a key, and read the key back).
 */
export interface StreamKind<Command, State, Event extends { type: string; data: unknown }, Key = string> {
  readonly name: string;
  readonly decider: Decider<Command, State, Event>;
  readonly upcast: Upcaster<Event>;
  readonly snapshots: SnapshotPolicy;
  streamId(key: Key): string;
  keyOf(streamId: string): Key | null;
}

/** A stream kind of any types, for registries that hold several (a CLI naming any stream). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStreamKind = StreamKind<any, any, any, any>;

/** The kind with its snapshots taken every `everyEvents` events (SNAPSHOT_EVERY_EVENTS, say). */
export function snapshotEvery<K extends AnyStreamKind>(kind: K, everyEvents: number): K {
  return { ...kind, snapshots: { ...kind.snapshots, everyEvents } };
}

/**
 * The decoded parts of a stream id `<name>|<URI-encoded part>|...` (the format every id minted in
 * the domain has), or null when it is of another kind or has not `parts` parts.
 */
export function streamIdParts(streamId: string, name: string, parts: number): string[] | null {
  const [kind, ...rest] = streamId.split('|');
  if (kind !== name || rest.length !== parts) return null;
  try {
    return rest.map(decodeURIComponent);
  } catch {
    return null; // not URI-encoded: not minted by this kind
  }
}

/** The kind among `kinds` whose name the stream id starts with, if any. */
export function kindOfStream<K extends AnyStreamKind>(kinds: readonly K[], streamId: string): K | undefined {
  const name = streamId.split('|')[0];
  return kinds.find((kind) => kind.name === name);
}

/** Stored events of one stream, upcast and folded from `from` (the kind's initial state). */
export function foldStream<State, Event extends { type: string; data: unknown }>(
  kind: Pick<StreamKind<unknown, State, Event, unknown>, 'decider' | 'upcast'>,
  events: Iterable<Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>>,
  from: State = kind.decider.initialState(),
): State {
  let state = from;
  for (const stored of events) state = kind.decider.evolve(state, kind.upcast(stored));
  return state;
}

export interface FoldedStream<State> {
  streamId: string;
  /** Every event of the stream as stored, in stream order. */
  events: RecordedEvent[];
  state: State;
  /** The stream's version: that of its last event, 0 for a stream with none. */
  version: number;
}

/**
 * One stream read whole (no snapshot: the caller gets every event) and folded through its kind, for
 * reads and tools; commands load through StreamUnitOfWork instead.
 */
export async function loadStream<State, Event extends { type: string; data: unknown }>(
  sql: SqlClient,
  store: PostgresEventStore,
  kind: Pick<StreamKind<unknown, State, Event, unknown>, 'decider' | 'upcast'>,
  streamId: string,
): Promise<FoldedStream<State>> {
  const events = await store.readStream(sql, streamId);
  return { streamId, events, state: foldStream(kind, events), version: events.at(-1)?.streamVersion ?? 0 };
}
