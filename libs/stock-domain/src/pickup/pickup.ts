import { distanceKm, type GeoPoint } from '../geo';

export interface PickupCandidate extends GeoPoint {
  locationId: string;
  available: number;
}

export interface PickupOption {
  locationId: string;
  available: number;
  distanceKm: number;
}

/** Every candidate within the radius with available > 0, nearest first (ties by location id). */
export function pickupOptionsNear(origin: GeoPoint, radiusKm: number, candidates: Iterable<PickupCandidate>): PickupOption[] {
  const options: PickupOption[] = [];
  for (const candidate of candidates) {
    if (candidate.available <= 0) continue;
    const distance = distanceKm(origin, candidate);
    if (distance <= radiusKm)
      options.push({ locationId: candidate.locationId, available: candidate.available, distanceKm: Math.round(distance * 100) / 100 });
  }
  return options.sort((a, b) => a.distanceKm - b.distanceKm || (a.locationId < b.locationId ? -1 : 1));
}
