import type { Projection, RebuildableReadModel, ProjectedEvent, SqlClient } from '@app/event-store';
import type { LocationEvent } from '@app/stock-domain';
import { upsertLocation } from './locations.sql';

/** The location registry's read model, kept inline: a PUT is visible to the next GET. */
export class LocationsProjection implements Projection {
  private readonly upsert: string;

  constructor(
    readonly name = 'locations',
    table = 'locations',
  ) {
    this.upsert = upsertLocation(table);
  }

  async apply(sql: SqlClient, events: readonly ProjectedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'LocationRegistered' && event.type !== 'LocationProfileChanged') continue;
      const { locationId, profile, occurredAt } = (event as unknown as LocationEvent).data;
      await sql.query(this.upsert, [
        locationId,
        profile.type,
        profile.name,
        profile.lat,
        profile.lng,
        profile.shipsOnline,
        profile.pickup,
        profile.dailyCapacity,
        profile.safetyStock,
        event.streamVersion,
        occurredAt,
      ]);
    }
  }
}

/** The location registry as the rebuild command sees it. */
export const locationsReadModel: RebuildableReadModel = {
  name: 'locations',
  kind: 'inline',
  table: 'locations',
  projectionInto: (table, checkpointName) => new LocationsProjection(checkpointName, table),
};
