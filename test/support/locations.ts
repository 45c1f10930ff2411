import { PostgresEventStore, type TransactionRunner } from '@app/event-store';
import type { LocationProfile } from '@app/stock-domain';
import { DescribeLocation } from '../../apps/inventory-service/src/locations/describe-location/describe-location.command';
import { DescribeLocationHandler } from '../../apps/inventory-service/src/locations/describe-location/describe-location.handler';
import { LocationsProjection } from '../../apps/inventory-service/src/locations/locations.projection';
import { InlineViewWrites } from '../../apps/inventory-service/src/platform/database/inline-view-writes';
import { documentedFetch as fetch } from './documented-answers';
import { createTestDatabase } from './test-database';

/**
 * A profile that changes nothing a test of stock movements looks at: a store that neither ships
 * online nor offers pickup, with no safety stock (what an unregistered location used to count as).
 */
export const PLAIN_STORE: LocationProfile = {
  type: 'store',
  name: 'test store',
  lat: 30.25,
  lng: 120.15,
  shipsOnline: false,
  pickup: false,
  dailyCapacity: 0,
  safetyStock: 0,
};

/** Location ids, each with the plain profile, or a map of id to (part of) its profile. */
export type LocationsToRegister = Iterable<string> | Record<string, Partial<LocationProfile>>;

function profilesOf(locations: LocationsToRegister): Array<[string, LocationProfile]> {
  const entries: Array<[string, Partial<LocationProfile>]> =
    typeof (locations as Partial<Iterable<string>>)[Symbol.iterator] === 'function'
      ? [...(locations as Iterable<string>)].map((id) => [id, {}])
      : Object.entries(locations as Record<string, Partial<LocationProfile>>);
  return entries.map(([id, profile]) => [id, { ...PLAIN_STORE, name: id, ...profile }]);
}

/**
 * Register locations with a running service through `PUT /v1/locations/{id}`, as an operator does
 * (sales and movements at a location nobody registered are dead letters). Extra headers (an
 * operator key, say) go with every request. Fails on any answer but 200 or 201.
 */
export async function registerLocations(
  baseUrl: string,
  locations: LocationsToRegister,
  headers: Record<string, string> = {},
): Promise<void> {
  for (const [locationId, profile] of profilesOf(locations)) {
    const response = await fetch(`${baseUrl}/v1/locations/${encodeURIComponent(locationId)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(profile),
    });
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(`PUT /v1/locations/${locationId} answered ${response.status}: ${await response.text()}`);
    }
  }
}

/**
 * Register locations straight in a test schema, through the same command handler the HTTP PUT
 * runs (the location stream and its inline registry row), for tests that have no HTTP server.
 */
export async function registerLocationsInDatabase(transactions: TransactionRunner, locations: LocationsToRegister): Promise<void> {
  const handler = new DescribeLocationHandler(transactions, new PostgresEventStore([new LocationsProjection()]), new InlineViewWrites());
  for (const [locationId, profile] of profilesOf(locations)) await handler.execute(new DescribeLocation(locationId, profile));
}

/**
 * Register locations in a service's schema before the service first starts (migrating it), for
 * tests whose stream is on the topics before the service runs: nothing of it may arrive unregistered.
 */
export async function registerLocationsInSchema(schema: string, locations: LocationsToRegister): Promise<void> {
  const db = await createTestDatabase(schema);
  try {
    await registerLocationsInDatabase(db.transactions, locations);
  } finally {
    await db.dataSource.destroy();
  }
}
