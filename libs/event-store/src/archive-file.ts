import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { SqlClient } from './sql-client';

/**
 * An archived partition of the event log, as a file: gzip of one JSON document per event
 * (`row_to_json` of its row, every column; transaction ids as text), in global order. Restoring is
 * `INSERT INTO events SELECT * FROM json_populate_record(NULL::events, $line)` per line.
 */
export interface ArchiveFileEntry {
  partition: string;
  fromTransactionId: string;
  toTransactionId: string;
  events: number;
  file: string;
  /** SHA-256 of the uncompressed content. */
  sha256: string;
  lastRecordedAt: string | null;
  archivedAt: string;
}

export const MANIFEST = 'manifest.json';
const FETCH_ROWS = 5000;

/**
 * Write the rows of a (detached) partition to `<directory>/<partition>.jsonl.gz`, through a cursor
 * in the caller's transaction. Written to a .partial file first and renamed once flushed.
 */
export async function writePartitionArchive(
  sql: SqlClient,
  partition: string,
  directory: string,
  onRows: (rows: number) => void,
): Promise<{ file: string; rows: number; sha256: string }> {
  const file = join(directory, `${partition}.jsonl.gz`);
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const out = createWriteStream(partial);
  gzip.pipe(out);
  const hash = createHash('sha256');
  let rows = 0;
  await sql.query(
    `DECLARE archive_rows NO SCROLL CURSOR FOR SELECT row_to_json(p)::text AS line FROM ${partition} p ORDER BY transaction_id, global_position`,
  );
  for (;;) {
    const batch = await sql.query<{ line: string }>(`FETCH ${FETCH_ROWS} FROM archive_rows`);
    if (batch.length === 0) break;
    const text = batch.map((row) => `${row.line}\n`).join('');
    hash.update(text);
    if (!gzip.write(text)) await new Promise((resolve) => gzip.once('drain', resolve));
    rows += batch.length;
    onRows(rows);
  }
  await sql.query(`CLOSE archive_rows`);
  gzip.end();
  await finished(out);
  const handle = await fs.open(partial, 'r');
  await handle.sync();
  await handle.close();
  await fs.rename(partial, file);
  return { file, rows, sha256: hash.digest('hex') };
}

/** Read an archive file back: its number of lines and the SHA-256 of its uncompressed content. */
export async function readArchiveFile(file: string, onLine?: (line: string) => void): Promise<{ rows: number; sha256: string }> {
  const hash = createHash('sha256');
  let rows = 0;
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    hash.update(`${line}\n`);
    rows += 1;
    onLine?.(line);
  }
  return { rows, sha256: hash.digest('hex') };
}

export async function readManifest(directory: string): Promise<ArchiveFileEntry[]> {
  try {
    return (JSON.parse(await fs.readFile(join(directory, MANIFEST), 'utf8')) as { archives: ArchiveFileEntry[] }).archives;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
}

/** Add (or replace) a partition's entry in the directory's manifest, written atomically. */
export async function recordInManifest(directory: string, entry: ArchiveFileEntry): Promise<void> {
  const archives = (await readManifest(directory)).filter((existing) => existing.partition !== entry.partition);
  archives.push(entry);
  archives.sort((a, b) => (BigInt(a.fromTransactionId) < BigInt(b.fromTransactionId) ? -1 : 1));
  const path = join(directory, MANIFEST);
  await fs.writeFile(`${path}.partial`, `${JSON.stringify({ format: 'events-jsonl-gzip/1', archives }, null, 2)}\n`);
  await fs.rename(`${path}.partial`, path);
}
