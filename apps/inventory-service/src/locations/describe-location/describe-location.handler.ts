import { AggregateRepository, PostgresEventStore, TransactionRunner, upcasterChain } from '@app/event-store';
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
import { executeOnAggregate } from '../../stock/execute-on-aggregate';
import { locationViewOf, type LocationRow, type LocationView } from '../location-view';
import { SELECT_LOCATION } from '../locations.sql';
import { DescribeLocation } from './describe-location.command';

@CommandHandler(DescribeLocation)
export class DescribeLocationHandler implements ICommandHandler<DescribeLocation, { created: boolean; location: LocationView }> {
  private readonly locations: AggregateRepository<LocationCommand, LocationState, LocationEvent>;

  constructor(
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {
    this.locations = new AggregateRepository(
      store,
      locationDecider,
      { everyEvents: 50, stateVersion: LOCATION_STATE_VERSION },
      upcasterChain<LocationEvent>({}),
    );
  }

  execute({ locationId, profile }: DescribeLocation): Promise<{ created: boolean; location: LocationView }> {
    return executeOnAggregate(
      this.transactions,
      this.publisher,
      this.locations,
      locationStreamId(locationId),
      (location) => location.execute({ type: 'DescribeLocation', locationId, profile, at: new Date().toISOString() }, () => randomUUID()),
      async (sql, location) => {
        const [row] = await sql.query<LocationRow>(SELECT_LOCATION, [locationId]);
        return { created: location.loadedVersion === 0, location: locationViewOf(row!) };
      },
    );
  }
}
