/** A small omnichannel network in Hangzhou: two warehouses and a handful of stores. */
export interface SimulatedLocation {
  locationId: string;
  type: 'store' | 'warehouse';
  name: string;
  lat: number;
  lng: number;
}

export const HANGZHOU: SimulatedLocation[] = [
  { locationId: 'W01', type: 'warehouse', name: 'Xiaoshan DC', lat: 30.18, lng: 120.27 },
  { locationId: 'W02', type: 'warehouse', name: 'Yuhang DC', lat: 30.42, lng: 120.3 },
  { locationId: 'S001', type: 'store', name: 'West Lake', lat: 30.259, lng: 120.15 },
  { locationId: 'S002', type: 'store', name: 'Wulin Square', lat: 30.276, lng: 120.163 },
  { locationId: 'S003', type: 'store', name: 'Binjiang', lat: 30.208, lng: 120.211 },
  { locationId: 'S004', type: 'store', name: 'Qianjiang New Town', lat: 30.245, lng: 120.213 },
  { locationId: 'S005', type: 'store', name: 'Xixi Wetland', lat: 30.271, lng: 120.063 },
  { locationId: 'S006', type: 'store', name: 'Gongshu', lat: 30.319, lng: 120.142 },
];

/**
 * Draws SKU ranks with Zipf-like popularity (rank r has weight 1/r^s): a few best sellers and a
 * long tail, as in a real catalogue. `random` in [0, 1) makes it deterministic under a seeded source.
 */
export class ZipfCatalogue {
  private readonly cumulative: number[];

  constructor(
    readonly skus: readonly string[],
    exponent = 1.07,
  ) {
    let total = 0;
    this.cumulative = skus.map((_, rank) => (total += 1 / Math.pow(rank + 1, exponent)));
    this.cumulative = this.cumulative.map((c) => c / total);
  }

  static ofSize(size: number): ZipfCatalogue {
    return new ZipfCatalogue(Array.from({ length: size }, (_, i) => `SKU-${String(i + 1).padStart(5, '0')}`));
  }

  pick(random: number): string {
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid]! > random) high = mid;
      else low = mid + 1;
    }
    return this.skus[low]!;
  }
}

/** A seeded pseudo-random source (mulberry32), so a run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
