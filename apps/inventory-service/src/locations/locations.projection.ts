import type { Projection, RecordedEvent, SqlClient } from '@app/event-store';
import type { LocationEvent } from '@app/stock-domain';
import { UPSERT_LOCATION } from './locations.sql';

/** The location registry's read model, kept inline: a PUT is visible to the next GET. */
export class LocationsProjection implements Projection {
  readonly name = 'locations';

  async apply(sql: SqlClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'LocationRegistered' && event.type !== 'LocationProfileChanged') continue;
      const { locationId, profile, occurredAt } = (event as unknown as LocationEvent).data;
      await sql.query(UPSERT_LOCATION, [
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
