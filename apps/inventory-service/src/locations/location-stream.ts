import { streamIdParts, upcasterChain, type StreamKind } from '@app/event-store';
import {
  LOCATION_STATE_VERSION,
  locationDecider,
  locationStreamId,
  type LocationCommand,
  type LocationEvent,
  type LocationState,
} from '@app/stock-domain';

/** A location's profile as the operator described it, `location|<locationId>`: a few events a year, snapshot every 50. */
export const locationKind: StreamKind<LocationCommand, LocationState, LocationEvent> = {
  name: 'location',
  decider: locationDecider,
  upcast: upcasterChain<LocationEvent>({}),
  snapshots: { everyEvents: 50, stateVersion: LOCATION_STATE_VERSION },
  streamId: locationStreamId,
  keyOf: (streamId) => streamIdParts(streamId, 'location', 1)?.[0] ?? null,
};
