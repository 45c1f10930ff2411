// The public face of locations: what other areas may import. Inside locations, files import each other directly.
export { LocationsProjection, locationsReadModel } from './locations.projection';
export { findUnregisteredLocations } from './unregistered-locations/find-unregistered-locations';
export { LocationsModule } from './locations.module';
export { locationKind } from './location-stream';
export { locationViewOf, type LocationRow, type LocationView } from './location-view';
export { unknownLocationReason } from './unknown-location';
