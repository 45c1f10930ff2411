import {
  AggregateRepository,
  PostgresEventStore,
  TransactionRunner,
  isStreamVersionConflict,
  upcasterChain,
  type SqlClient,
} from '@app/event-store';
import {
  LOCATION_STATE_VERSION,
  locationDecider,
  locationStreamId,
  type LocationCommand,
  type LocationEvent,
  type LocationState,
} from '@app/stock-domain';
import { Inject } from '@nestjs/common';
import { CommandHandler, EventPublisher, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { locationViewOf, type LocationRow, type LocationView } from '../location-view';
import { SELECT_LOCATION } from '../locations.sql';
import { DescribeLocation } from './describe-location.command';

const MAX_ATTEMPTS = 5;

@CommandHandler(DescribeLocation)
export class DescribeLocationHandler implements ICommandHandler<DescribeLocation, { created: boolean; location: LocationView }> {
  private readonly locations: AggregateRepository<LocationCommand, LocationState, LocationEvent>;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {
    this.locations = new AggregateRepository(store, locationDecider, { everyEvents: 50, stateVersion: LOCATION_STATE_VERSION }, upcasterChain<LocationEvent>({}));
  }

  async execute({ locationId, profile }: DescribeLocation): Promise<{ created: boolean; location: LocationView }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { aggregate, result } = await this.transactions.inTransaction(async (sql: SqlClient) => {
          const location = this.publisher.mergeObjectContext(await this.locations.load(sql, locationStreamId(locationId)));
          const created = location.loadedVersion === 0;
          location.execute({ type: 'DescribeLocation', locationId, profile, at: new Date().toISOString() }, () => randomUUID());
          await this.locations.save(location);
          const [row] = await sql.query<LocationRow>(SELECT_LOCATION, [locationId]);
          return { aggregate: location, result: { created, location: locationViewOf(row!) } };
        });
        aggregate.commit(); // publish to the EventBus only once the events are stored
        return result;
      } catch (error) {
        if (!isStreamVersionConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
