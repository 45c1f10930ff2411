/** What the page reads from the service (only the fields it uses) and the one state it keeps. */

export interface Location {
  locationId: string;
  type: 'store' | 'warehouse';
  name: string;
  lat: number;
  lng: number;
  version: number;
}

/** A page of GET /v1/locations. */
export interface LocationsPage {
  items: Location[];
  next: string | null;
}

export interface LocationStock {
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
}

/** A `stock` event of GET /v1/stock/stream: one SKU's stock view. */
export interface SkuStock {
  sku: string;
  onHand: number;
  available: number;
  onlineAvailableToPromise: number;
  locations: LocationStock[];
  position: string;
}

/** A queued logistics command as sent (any JSON object), and whether it has been published. */
export interface RecentCommand {
  commandId?: unknown;
  type?: string;
  issuedAt?: string;
  fulfillmentId?: string;
  transferId?: string;
  fromLocationId?: string;
  toLocationId?: string;
  delivery?: { mode: string };
  lines?: unknown;
  published: boolean;
}

/** GET /v1/dashboard/summary. */
export interface Summary {
  eventsApplied: number;
  eventsPerSecond: number;
  consumerLag: { total: number; byTopic: Record<string, number> } | null;
  stockViewBacklog: number | null;
  ready: boolean;
  recentCommands: RecentCommand[];
  negativeStock: Array<{ locationId: string; sku: string; onHand: number }>;
  lowStock: Array<{ locationId: string; sku: string; available: number; reorderPoint: number; reorderQuantity: number | null }>;
}

export const state = {
  /** The SKU shown ('' for none). */
  sku: '',
  /** The registered locations, by id. */
  locations: new Map<string, Location>(),
  /** The SKU's stock as last streamed. */
  stock: null as SkuStock | null,
  /** Aborts the open stock stream. */
  stream: null as AbortController | null,
  /** Events applied per second, the last 60 summaries. */
  rates: [] as number[],
  /** The operator key signed in with ('' when signed out). */
  key: '',
  /** Signed in and polling. */
  started: false,
  summaryTimer: undefined as number | undefined,
  locationsTimer: undefined as number | undefined,
};
