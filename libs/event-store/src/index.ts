export * from './sql-client';
export * from './commit-signals';
export { WakeableWait } from './wakeable-wait';
export * from './errors';
export * from './events';
export * from './event-store';
export * from './projection';
export * from './checkpointed-processor';
export * from './processor-options';
export {
  CheckpointMovedError,
  projectionBacklog,
  readCheckpoint,
  readProjectionStalls,
  readProjectionStatuses,
  type ProjectionStall,
} from './projection-checkpoints';
export * from './typeorm-transactions';
export { CreateEventStore1763800000000 } from './migrations/1763800000000-create-event-store';
export { CreateProjectionStatus1763800012000 } from './migrations/1763800012000-create-projection-status';
export { PartitionEventsByTransaction1763800020000 } from './migrations/1763800020000-partition-events-by-transaction';
export * from './event-log-partitions';
export {
  ArchiveRefusedError,
  RebuildNeedsArchivedEventsError,
  archiveEventsBefore,
  archivedRanges,
  type ArchiveOptions,
  type ArchivedRange,
} from './event-archive';
export { MANIFEST as ARCHIVE_MANIFEST, readArchiveFile, readManifest, type ArchiveFileEntry } from './archive-file';
export * from './decider';
export * from './stream-unit-of-work';
export * from './stream-state-cache';
export * from './upcasting';
export * from './stream-kind';
export * from './command-retry';
export * from './run-on-stream';
export * from './rebuild-read-model';
export * from './view-position';
