import { PostgresEventStore, archiveEventsBefore } from '@app/event-store';
import { loadServiceConfig } from '../platform/config';
import { UsageError, withDatabase } from './cli-database';
import { STREAM_KINDS } from './inspect-stream';

/**
 * `archive-events --before DATE [--dir DIR]`: the partitions of the event log wholly before DATE go
 * to gzip files in DIR (EVENT_ARCHIVE_DIR), listed in its manifest.json, and leave the database.
 * Streams with events there are snapshotted first; a projection still before them refuses it.
 */
export async function archiveEvents(args: string[]): Promise<void> {
  let before: Date | null = null;
  let directory = loadServiceConfig().eventStore.archiveDirectory;
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === '--before' && value) {
      before = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(before.getTime()))
        throw new UsageError(
          `archive-events --before: ${JSON.stringify(value)} is not an ISO-8601 date, e.g. 2026-11-01 or 2026-11-01T00:00:00Z`,
        );
      i += 1;
    } else if (flag === '--dir' && value) {
      directory = value;
      i += 1;
    } else throw new UsageError(`archive-events does not take ${JSON.stringify(flag)}${flag?.startsWith('--') ? ' without a value' : ''}`);
  }
  if (!before) throw new UsageError('archive-events needs --before DATE');
  if (!directory) throw new UsageError('archive-events needs --dir DIR (or EVENT_ARCHIVE_DIR) for the archive files');
  const archived = await withDatabase((transactions) =>
    archiveEventsBefore(transactions, new PostgresEventStore(), {
      before,
      directory,
      kinds: STREAM_KINDS,
      onProgress: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    }),
  );
  const events = archived.reduce((sum, range) => sum + range.events, 0);
  process.stdout.write(`archived ${archived.length} partition(s), ${events} events, to ${directory}\n`);
}
