import type { LocationView } from '@app/contracts';

/** A registered location as the HTTP API answers it (the contract's schema, in @app/contracts). */
export type { LocationView };

export interface LocationRow {
  location_id: string;
  type: 'store' | 'warehouse';
  name: string;
  lat: number;
  lng: number;
  ships_online: boolean;
  pickup: boolean;
  daily_capacity: number;
  safety_stock: number;
  version: number;
  updated_at: Date;
}

export function locationViewOf(row: LocationRow): LocationView {
  return {
    locationId: row.location_id,
    type: row.type,
    name: row.name,
    lat: row.lat,
    lng: row.lng,
    shipsOnline: row.ships_online,
    pickup: row.pickup,
    dailyCapacity: row.daily_capacity,
    safetyStock: row.safety_stock,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}
