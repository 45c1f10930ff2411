import { decideProfile } from './profile';

/**
 * A store or warehouse in the network: where it is, what it can do for online orders, and the
 * safety stock it keeps back from online promises. Pure decide/evolve.
 */
export interface LocationProfile {
  type: 'store' | 'warehouse';
  name: string;
  lat: number;
  lng: number;
  shipsOnline: boolean;
  pickup: boolean;
  dailyCapacity: number;
  /** Units of every SKU kept back from `available` unless a SKU has its own figure. */
  safetyStock: number;
}

export type LocationEvent =
  | { type: 'LocationRegistered'; data: { locationId: string; profile: LocationProfile; occurredAt: string } }
  | {
      type: 'LocationProfileChanged';
      data: { locationId: string; profile: LocationProfile; changed: Array<keyof LocationProfile>; occurredAt: string };
    };

export type LocationCommand = { type: 'DescribeLocation'; locationId: string; profile: LocationProfile; at: string };

export interface LocationState {
  profile: LocationProfile | null;
}

export const initialLocationState = (): LocationState => ({ profile: null });

/** A PUT of the same profile changes nothing and records nothing: PUT is idempotent. */
export function decideLocation(command: LocationCommand, state: LocationState): LocationEvent[] {
  const { locationId, profile, at } = command;
  return decideProfile<LocationProfile, LocationEvent, LocationEvent>(
    state.profile,
    profile,
    () => ({ type: 'LocationRegistered', data: { locationId, profile, occurredAt: at } }),
    (changed) => ({ type: 'LocationProfileChanged', data: { locationId, profile, changed, occurredAt: at } }),
  );
}

export function evolveLocation(_state: LocationState, event: LocationEvent): LocationState {
  return { profile: event.data.profile };
}

export const locationDecider = { initialState: initialLocationState, decide: decideLocation, evolve: evolveLocation };

export const LOCATION_STATE_VERSION = 1;

export const locationStreamId = (locationId: string): string => `location|${encodeURIComponent(locationId)}`;
