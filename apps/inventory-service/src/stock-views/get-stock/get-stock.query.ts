import { Query } from '@nestjs/cqrs';

export interface LocationStock {
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
}

/** The contract's stock view of one SKU. */
export interface SkuStock {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  onlineAvailableToPromise: number;
  locations: LocationStock[];
  /** The global event position the numbers reflect. */
  position: string;
}

export class GetStockOfSkus extends Query<SkuStock[]> {
  constructor(readonly skus: readonly string[]) {
    super();
  }
}
