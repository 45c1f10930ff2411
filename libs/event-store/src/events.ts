/** Where an event came from and why: kept with it forever. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  source?: { topic: string; partition: number; offset: string };
  [key: string]: unknown;
}

/** An event about to be appended. `eventId` is unique across the store: a repeat is a no-op. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  type: Type;
  data: Data;
  schemaVersion?: number;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  globalPosition: number;
  transactionId: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

/**
 * An event as asynchronous projections read it: everything but its metadata and recording time,
 * which no read model needs; leaving them out makes the read the views run all day cheaper.
 */
export type ProjectedEvent<Type extends string = string, Data = unknown> = Omit<RecordedEvent<Type, Data>, 'metadata' | 'recordedAt'>;

/** Events for one stream, written only if the stream is still at `expectedVersion` (0 = new stream). */
export interface StreamAppend {
  streamId: string;
  expectedVersion: number;
  events: readonly NewEvent[];
}

export interface AppendOutcome {
  /** Stream versions after the append, for every stream named (unchanged where all were duplicates). */
  streamVersions: Map<string, number>;
  /** The events written, as stored, in append order. */
  appended: RecordedEvent[];
  /** Event ids that were already in the store and so were not written again. */
  duplicateEventIds: string[];
}

/** A position in the global order that subscribers read in: (transaction id, global position). */
export interface GlobalCheckpoint {
  transactionId: string;
  globalPosition: number;
}

export const START_OF_LOG: GlobalCheckpoint = { transactionId: '0', globalPosition: 0 };
