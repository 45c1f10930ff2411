import type { PickupOptions } from '@app/contracts';
import { SqlReader } from '@app/event-store';
import { pickupOptionsNear } from '@app/stock-domain';
import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { parseRequest } from '../../platform/http';
import { ServiceConfig } from '../../platform/config';
import { skuParam } from '../../platform/http';
import { conditional, minPositionParam, stockViewPosition } from '../stock-view-position';
import { SELECT_PICKUP_CANDIDATES } from '../stock-views.sql';
import { HttpReads } from '../../platform/database';
import { Access } from '../../platform/access';

const pickupQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  radiusKm: z.coerce.number().positive().max(500).default(10),
});

/**
 * `GET /v1/stock/{sku}/pickup?lat=&lng=&radiusKm=&minPosition=`: pickup stores with the SKU available,
 * nearest first, with the stock view's `position`, `minPosition` and an ETag, as for `GET /v1/stock/{sku}`.
 */
@Controller('v1/stock')
export class PickupNearController {
  constructor(
    @Inject(HttpReads) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  @Get(':sku/pickup')
  @Access.storefront()
  async pickupNear(
    @Param('sku') sku: string,
    @Query() query: Record<string, string>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PickupOptions | undefined> {
    skuParam('sku', sku);
    const { lat, lng, radiusKm } = parseRequest(pickupQuery, query, 'PICKUP.INVALID_QUERY', 'pickup search');
    const position = await stockViewPosition(this.reads, minPositionParam(query.minPosition), this.config.http.minPositionWaitMs);
    const candidates = await this.reads.query<{ location_id: string; lat: number; lng: number; available: number }>(
      SELECT_PICKUP_CANDIDATES,
      [sku],
    );
    const stores = pickupOptionsNear(
      { lat, lng },
      radiusKm,
      candidates.map((c) => ({ locationId: c.location_id, lat: c.lat, lng: c.lng, available: c.available })),
    );
    return conditional({ sku, stores, position }, position, ifNoneMatch, response);
  }
}
