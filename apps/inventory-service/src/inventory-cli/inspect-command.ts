import { PostgresEventStore } from '@app/event-store';
import { UsageError, withDatabase } from './cli-database';
import { inspectStream, type StreamTarget } from './inspect-stream';

export async function inspect(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const [kind, ...names] = args.filter((arg) => arg !== '--json');
  const target = ((): StreamTarget => {
    if (kind === 'stock-item' && names.length === 2) return { kind, locationId: names[0]!, sku: names[1]! };
    if (kind === 'online-order' && names.length === 1) return { kind, orderId: names[0]! };
    if (kind === 'transfer' && names.length === 1) return { kind, transferId: names[0]! };
    if (kind === 'stream' && names.length === 1) return { kind, streamId: names[0]! };
    throw new UsageError(
      'inspect takes: stock-item <locationId> <sku> | online-order <orderId> | transfer <transferId> | stream <streamId>',
    );
  })();
  const inspection = await withDatabase((transactions) =>
    transactions.inTransaction((sql) => inspectStream(sql, new PostgresEventStore(), target)),
  );
  if (inspection.events.length === 0)
    throw new Error(`stream ${inspection.streamId} has no events (check the ids; they are case-sensitive)`);
  if (json) {
    process.stdout.write(`${JSON.stringify(inspection, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${inspection.streamId}: ${inspection.events.length} events\n`);
  for (const event of inspection.events) {
    const when = (event.data as { occurredAt?: string }).occurredAt ?? '';
    process.stdout.write(`  v${event.streamVersion}  @${event.globalPosition}  ${when}  ${event.type}  ${JSON.stringify(event.data)}\n`);
  }
  process.stdout.write(`state: ${JSON.stringify(inspection.state, null, 2)}\n`);
}
