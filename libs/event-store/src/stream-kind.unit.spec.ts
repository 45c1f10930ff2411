import { describe, expect, it } from 'vitest';
import { PostgresEventStore } from './event-store';
import type { SqlClient } from './sql-client';
import { foldStream, kindOfStream, loadStream, snapshotEvery, streamIdParts, type StreamKind } from './stream-kind';
import { upcasterChain } from './upcasting';

type CounterEvent = { type: 'Counted'; data: { by: number } } | { type: 'Reset'; data: Record<string, never> };
type CounterCommand = { type: 'Count'; by: number };

// v1 of Counted stored `step`; v2 stores `by`.
const counterKind: StreamKind<CounterCommand, number, CounterEvent> = {
  name: 'counter',
  decider: {
    initialState: () => 0,
    decide: (command) => [{ type: 'Counted', data: { by: command.by } }],
    evolve: (state, event) => (event.type === 'Counted' ? state + event.data.by : 0),
  },
  upcast: upcasterChain<CounterEvent>({ Counted: { 1: ({ step }) => ({ by: step }) } }, { Counted: 2 }),
  snapshots: { everyEvents: 50, stateVersion: 1 },
  streamId: (name) => `counter|${encodeURIComponent(name)}`,
  keyOf: (streamId) => streamIdParts(streamId, 'counter', 1)?.[0] ?? null,
};

/** Rows as SELECT_STREAMS_AFTER_VERSIONS returns them, for one stream. */
function sqlWithEvents(streamId: string, events: Array<{ type: string; schemaVersion: number; data: unknown }>): SqlClient {
  const rows = events.map((event, index) => ({
    global_position: String(100 + index),
    transaction_id: '7',
    stream_id: streamId,
    stream_version: index + 1,
    event_id: `e${index}`,
    event_type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: {},
    recorded_at: new Date(0),
  }));
  return { query: <Row>() => Promise.resolve(rows as Row[]) };
}

describe('loading through a stream kind', () => {
  it('reads every event, upcasts old schema versions and folds them with the kind’s decider', async () => {
    const streamId = counterKind.streamId('a|b');
    const sql = sqlWithEvents(streamId, [
      { type: 'Counted', schemaVersion: 1, data: { step: 2 } },
      { type: 'Counted', schemaVersion: 2, data: { by: 3 } },
      { type: 'Reset', schemaVersion: 1, data: {} },
      { type: 'Counted', schemaVersion: 2, data: { by: 4 } },
    ]);
    const loaded = await loadStream(sql, new PostgresEventStore(), counterKind, streamId);
    expect(loaded.state).toBe(4);
    expect(loaded.version).toBe(4);
    expect(loaded.events.map((event) => event.data)).toEqual([{ step: 2 }, { by: 3 }, {}, { by: 4 }]); // as stored
  });

  it('gives the initial state at version 0 for a stream with no events', async () => {
    const loaded = await loadStream(sqlWithEvents('counter|x', []), new PostgresEventStore(), counterKind, 'counter|x');
    expect(loaded).toEqual({ streamId: 'counter|x', events: [], state: 0, version: 0 });
  });

  it('folds from a given state', () => {
    expect(foldStream(counterKind, [{ type: 'Counted', schemaVersion: 1, data: { step: 5 } }], 10)).toBe(15);
  });

  it('refuses an event newer than the kind knows', () => {
    expect(() => foldStream(counterKind, [{ type: 'Counted', schemaVersion: 3, data: {} }])).toThrow(/newer than this code/);
  });
});

describe('stream ids of a kind', () => {
  it('reads back the key an id was minted from, and nothing from another kind', () => {
    expect(counterKind.keyOf(counterKind.streamId('a|b%c'))).toBe('a|b%c');
    expect(counterKind.keyOf('stock-item|S1|SKU')).toBeNull();
    expect(streamIdParts('counter|%E0%A4%A', 'counter', 1)).toBeNull(); // not URI-encoded
    expect(streamIdParts('counter|a|b', 'counter', 1)).toBeNull();
  });

  it('finds the kind of a stream by its name', () => {
    expect(kindOfStream([counterKind], 'counter|a')).toBe(counterKind);
    expect(kindOfStream([counterKind], 'counters|a')).toBeUndefined();
  });

  it('sets how often a kind is snapshotted without changing its state version', () => {
    expect(snapshotEvery(counterKind, 7).snapshots).toEqual({ everyEvents: 7, stateVersion: 1 });
    expect(counterKind.snapshots.everyEvents).toBe(50);
  });
});
