import { findUnregisteredLocations } from '../locations';
import { UsageError, withDatabase } from './cli-database';

export async function unregisteredLocations(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const other = args.find((arg) => arg !== '--json');
  if (other !== undefined) throw new UsageError(`unregistered-locations does not take ${JSON.stringify(other)}`);
  const locations = await withDatabase((transactions) => transactions.inTransaction((sql) => findUnregisteredLocations(sql)));
  if (json) {
    process.stdout.write(`${JSON.stringify({ locations }, null, 2)}\n`);
    return;
  }
  if (locations.length === 0) {
    process.stdout.write('every location that holds stock is registered\n');
    return;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  process.stdout.write(
    `${plural(locations.length, 'location')} hold${locations.length === 1 ? 's' : ''} stock but ${locations.length === 1 ? 'was' : 'were'} never registered:\n`,
  );
  for (const l of locations) {
    process.stdout.write(
      `  ${JSON.stringify(l.locationId)}  ${plural(l.skus, 'SKU')}  on hand ${l.onHand}, reserved ${l.reserved}, in transit ${l.inTransit}\n`,
    );
  }
  process.stdout.write(
    [
      'Sales, returns and movements at an unregistered location are dead letters. For each location, either:',
      '  - register it: PUT /v1/locations/{id} with its profile; its stock then sells, ships and counts as usual',
      '    (then replay its dead letters: replay-dead-letters --reason-contains "unknown location"), or',
      '  - write it off: register it first, then send a StockCounted with countedQuantity 0 (or a StockAdjusted',
      '    with the opposite delta) for each SKU it holds; inspect stock-item <locationId> <sku> shows one.',
      '',
    ].join('\n'),
  );
}
