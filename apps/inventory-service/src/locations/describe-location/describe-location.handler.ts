import { PostgresEventStore, TransactionRunner, runOnStream } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InlineViewWrites } from '../../platform/database';
import { randomUUID } from 'node:crypto';
import { locationKind } from '../location-stream';
import { locationViewOf, type LocationRow, type LocationView } from '../location-view';
import { SELECT_LOCATION } from '../locations.sql';
import { DescribeLocation } from './describe-location.command';

@CommandHandler(DescribeLocation)
export class DescribeLocationHandler implements ICommandHandler<DescribeLocation, { created: boolean; location: LocationView }> {
  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) private readonly store: PostgresEventStore,
    @Inject(InlineViewWrites) private readonly viewWrites: InlineViewWrites,
  ) {}

  async execute({ locationId, profile }: DescribeLocation): Promise<{ created: boolean; location: LocationView }> {
    const command = { type: 'DescribeLocation' as const, locationId, profile, at: new Date().toISOString() };
    const done = await runOnStream(this.transactions, this.store, locationKind, locationKind.streamId(locationId), command, {
      eventIdFor: () => randomUUID(),
      result: async (sql, { loadedVersion }) => {
        const [row] = await sql.query<LocationRow>(SELECT_LOCATION, [locationId]);
        return { created: loadedVersion === 0, location: locationViewOf(row!) };
      },
    });
    // Committed: this instance's views show it before the caller hears back (read-your-writes).
    await this.viewWrites.written({ kind: 'location', locationId });
    return done;
  }
}
